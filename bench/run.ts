// `npm run bench -- kernels [--size small|medium|all] [--filter substring] [--no-peer]`
// Runs kernel benchmarks on the current adapter (Dawn in Node) and prints one
// JSON line per case to stdout; progress goes to stderr.
import { parseArgs } from 'node:util';
import { nodeGpuContext } from '../client/gpu/node';
import { KernelRunner } from '../client/gpu/runner';
import { type BenchCase, rates, timeOurs, timePeer } from './harness';
import { kernelBenches } from './kernels/index';
import { createTfjsPeer, type Tfjs } from './tfjs-peer';

const suites: Record<string, BenchCase[]> = { kernels: kernelBenches };

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: 'string', default: 'all' },
    filter: { type: 'string', default: '' },
    'no-peer': { type: 'boolean', default: false },
  },
});
const suiteNames = positionals.length > 0 ? positionals : Object.keys(suites);
for (const name of suiteNames) {
  if (!suites[name]) {
    console.error(`Unknown bench suite '${name}'. Suites: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
}
if (!['all', 'small', 'medium'].includes(values.size)) {
  console.error(`--size must be small, medium or all (got '${values.size}')`);
  process.exit(2);
}

const gpu = await nodeGpuContext();
const runner = new KernelRunner(gpu);
const adapter = `${gpu.adapter.vendor} ${gpu.adapter.architecture}`.trim();
let tf: Tfjs | undefined;

for (const suite of suiteNames) {
  for (const c of suites[suite] ?? []) {
    if (values.size !== 'all' && c.size !== values.size) continue;
    if (values.filter && !`${c.kernel} ${c.variant}`.includes(values.filter)) continue;
    console.error(`bench ${c.kernel} ${c.variant} ${JSON.stringify(c.shape)} ...`);
    const run = await c.setup(runner);
    const ours = rates(c, await timeOurs(runner, run));
    run.destroy();
    const line: Record<string, unknown> = {
      kernel: c.kernel,
      variant: c.variant,
      shape: Object.values(c.shape),
      dims: Object.keys(c.shape).join(','),
      ...ours,
      adapter,
    };
    if (c.peer && !values['no-peer']) {
      tf ??= await createTfjsPeer(gpu);
      const peerRun = c.peer.setup(tf);
      const peer = rates(c, await timePeer(tf, gpu, peerRun));
      peerRun.destroy();
      line.peer = { name: c.peer.name, ...peer };
      // > 1 means ours is faster.
      line.speedup_vs_peer = Number((peer.ms / ours.ms).toFixed(3));
    }
    console.log(JSON.stringify(line));
  }
}
gpu.throwIfFailed();
gpu.destroy();
