// `npm run sample -- --ckpt run.safetensors --prompt "..." --max-tokens 64 [--greedy | --temperature t --top-k k --seed s] [--stop-at-newline]`
// Prints only the generated text (streamed as it comes).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readGptCheckpoint } from '../client/checkpoint/gpt-checkpoint';
import { nodeGpuContext } from '../client/gpu/node';
import { KernelRunner } from '../client/gpu/runner';
import { DEFAULT_SAMPLE_OPTIONS, GptSampler } from '../client/model/generate';
import { runCli, UsageError } from './cli';

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      ckpt: { type: 'string' },
      prompt: { type: 'string', default: '\n' },
      'max-tokens': { type: 'string', default: String(DEFAULT_SAMPLE_OPTIONS.maxTokens) },
      greedy: { type: 'boolean', default: false },
      temperature: { type: 'string', default: String(DEFAULT_SAMPLE_OPTIONS.temperature) },
      'top-k': { type: 'string', default: String(DEFAULT_SAMPLE_OPTIONS.topK) },
      seed: { type: 'string', default: String(DEFAULT_SAMPLE_OPTIONS.seed) },
      'stop-at-newline': { type: 'boolean', default: false },
    },
  });
  if (!values.ckpt) throw new UsageError('--ckpt FILE.safetensors is required');
  const number = (flag: string, text: string) => {
    const value = Number(text);
    if (!Number.isFinite(value)) throw new UsageError(`--${flag} ${text}: expected a number`);
    return value;
  };
  const options = {
    maxTokens: number('max-tokens', values['max-tokens']),
    temperature: values.greedy ? 0 : number('temperature', values.temperature),
    topK: number('top-k', values['top-k']),
    seed: number('seed', values.seed),
    stopAtNewline: values['stop-at-newline'],
  };
  const ckpt = readGptCheckpoint(new Uint8Array(await readFile(values.ckpt)));
  const gpu = await nodeGpuContext();
  const sampler = await GptSampler.create(new KernelRunner(gpu), ckpt.config, ckpt.params, ckpt.tokenizer);
  await sampler.generate(values.prompt, options, (text) => process.stdout.write(text));
  process.stdout.write('\n');
  sampler.destroy();
  gpu.destroy();
});
