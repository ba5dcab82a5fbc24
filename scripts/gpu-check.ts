// `npm run gpu:check`: finds a WebGPU adapter in Node (Dawn), runs the matmul
// kernel against its CPU reference at a few shapes and prints one JSON line.
// Exits 1 when no adapter is found or any value differs.

import { MATMUL_CHECK_SHAPES, runMatmulCheck } from '../client/gpu/matmul-check';
import { nodeGpuContext } from '../client/gpu/node';
import { KernelRunner } from '../client/gpu/runner';
import { describeComparison } from '../client/numerics/compare';

const gpu = await nodeGpuContext();
const runner = new KernelRunner(gpu);
const results = [];
for (const shape of MATMUL_CHECK_SHAPES) {
  const result = await runMatmulCheck(runner, shape);
  console.error(describeComparison(JSON.stringify(shape), result.comparison));
  results.push({
    shape,
    ok: result.comparison.ok,
    maxAbsError: result.comparison.maxAbsError,
    gpuMs: Number(result.gpuMs.toFixed(2)),
  });
}
gpu.destroy();
const ok = results.every((r) => r.ok);
console.log(JSON.stringify({ ok, adapter: gpu.adapter, results }));
process.exitCode = ok ? 0 : 1;
