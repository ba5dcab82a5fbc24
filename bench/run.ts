// `npm run bench -- [kernels] [gpt] [--size small|medium|all] [--filter substring] [--no-peer] [--steps N]`
// Runs benchmarks on the current adapter (Dawn in Node; VK_ICD_FILENAMES picks
// the Vulkan driver) and prints one JSON line per case to stdout; progress
// goes to stderr.
//   kernels: every kernel at small and medium sizes, with TF.js's WebGPU backend
//            on the same device as the peer where it has the op.
//   gpt:     whole training steps of each GPT preset, tokens per second
//            (--filter picks presets, --steps sets timed steps, default 5).
//   bundle:  the Worker's deploy size, raw and gzip (bench/bundle-size.ts; no GPU).
//   edge:    /complete latency (64 tokens, tiny and small) and metrics ingestion
//            under a bounded autocannon load, on wrangler dev over 127.0.0.1
//            (bench/edge.ts; needs `npm run build` first, no GPU).
//   bundle and edge run only when named.
import { parseArgs } from 'node:util';
import { nodeGpuContext } from '../client/gpu/node';
import { KernelRunner } from '../client/gpu/runner';
import { GPT_PRESETS, type GptPresetName } from '../client/model/gpt-config';
import { describeBundle, measureBundle } from './bundle-size';
import { benchEdge } from './edge';
import { benchGptPreset } from './gpt';
import { type BenchCase, rates, timeOurs, timePeer } from './harness';
import { kernelBenches } from './kernels/index';
import { createTfjsPeer, type Tfjs } from './tfjs-peer';

const SUITES = ['kernels', 'gpt', 'bundle', 'edge'];
const GPU_SUITES = ['kernels', 'gpt'];

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: 'string', default: 'all' },
    filter: { type: 'string', default: '' },
    'no-peer': { type: 'boolean', default: false },
    steps: { type: 'string', default: '5' },
  },
});
const suiteNames = positionals.length > 0 ? positionals : GPU_SUITES;
for (const name of suiteNames) {
  if (!SUITES.includes(name)) {
    console.error(`Unknown bench suite '${name}'. Suites: ${SUITES.join(', ')}`);
    process.exit(2);
  }
}
if (!['all', 'small', 'medium'].includes(values.size)) {
  console.error(`--size must be small, medium or all (got '${values.size}')`);
  process.exit(2);
}
const steps = Number(values.steps);
if (!Number.isInteger(steps) || steps < 1) {
  console.error(`--steps must be a positive integer (got '${values.steps}')`);
  process.exit(2);
}

if (suiteNames.includes('bundle')) {
  console.error('bench bundle (wrangler deploy --dry-run) ...');
  const report = await measureBundle({ onOutput: (chunk) => process.stderr.write(chunk) });
  console.error(describeBundle(report));
  console.log(JSON.stringify(report));
}

if (suiteNames.includes('edge')) {
  const lines = await benchEdge({
    requests: 20,
    connections: 4,
    seconds: 10,
    pointsPerBatch: 100,
    log: (line) => console.error(line),
  });
  for (const line of lines) console.log(JSON.stringify(line));
}
if (suiteNames.every((name) => !GPU_SUITES.includes(name))) process.exit(0);

const gpu = await nodeGpuContext();
const runner = new KernelRunner(gpu);
const adapter = `${gpu.adapter.vendor} ${gpu.adapter.architecture}`.trim();
let tf: Tfjs | undefined;

async function benchKernel(c: BenchCase): Promise<void> {
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

for (const suite of suiteNames) {
  if (suite === 'kernels') {
    for (const c of kernelBenches) {
      if (values.size !== 'all' && c.size !== values.size) continue;
      if (values.filter && !`${c.kernel} ${c.variant}`.includes(values.filter)) continue;
      await benchKernel(c);
    }
  } else if (suite === 'gpt') {
    for (const preset of Object.keys(GPT_PRESETS) as GptPresetName[]) {
      if (values.filter && !preset.includes(values.filter)) continue;
      console.error(`bench gpt ${preset} ...`);
      console.log(JSON.stringify({ ...(await benchGptPreset(runner, preset, steps)), adapter }));
    }
  }
}
gpu.throwIfFailed();
gpu.destroy();
