// `npm run train -- --model gpt --preset tiny --data names --steps 300 --seed 1 --out run.safetensors`
// Trains a GPT on Node/Dawn (SwiftShader, lavapipe or a real GPU's Vulkan
// adapter), shows a progress bar on stderr, writes the checkpoint, and prints
// as its last line one JSON object with the run's numbers.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { type GptCheckpoint, readGptCheckpoint, writeGptCheckpoint } from '../client/checkpoint/gpt-checkpoint';
import { BUNDLED_CORPORA } from '../client/data/bundled-corpora';
import { loadBundledCorpus } from '../client/data/bundled-corpora.node.js';
import { prepareCorpus, sha256Hex } from '../client/data/text-corpus';
import { nodeGpuContext } from '../client/gpu/node';
import { KernelRunner } from '../client/gpu/runner';
import { GPT_PRESETS, gptPreset, isGptPresetName } from '../client/model/gpt-config';
import { trainBpe } from '../client/text/bpe-training';
import { ByteTokenizer } from '../client/text/byte-tokenizer';
import type { Tokenizer } from '../client/text/tokenizer';
import { decodeUtf8Strict } from '../client/text/utf8';
import { DEFAULT_TRAIN_SETTINGS, GptTrainer, type TrainSettings, trainingStateOf } from '../client/train/gpt-trainer';
import { runCli, UsageError } from './cli';

const USAGE = `usage: npm run train -- --model gpt [--preset ${Object.keys(GPT_PRESETS).join('|')}] --data names|moby-dick|FILE
  [--steps N] [--batch B] [--lr MAX] [--min-lr MIN] [--warmup N] [--eval-every N] [--eval-batches N]
  [--seed S] [--tokenizer byte|bpe:VOCAB] [--out FILE.safetensors]
  [--resume CKPT]      continue a saved run exactly (same data, settings from the checkpoint; --steps may extend)
  [--init-from CKPT]   fine-tune: start from CKPT's weights and tokenizer on --data`;

await runCli(async () => {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', default: 'gpt' },
      preset: { type: 'string', default: 'tiny' },
      data: { type: 'string' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      'min-lr': { type: 'string' },
      warmup: { type: 'string' },
      'eval-every': { type: 'string' },
      'eval-batches': { type: 'string' },
      seed: { type: 'string' },
      tokenizer: { type: 'string', default: 'byte' },
      out: { type: 'string', default: 'run.safetensors' },
      resume: { type: 'string' },
      'init-from': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.model !== 'gpt') throw new UsageError(`--model ${values.model}: only 'gpt' can be trained so far`);
  if (values.resume && values['init-from']) throw new UsageError('--resume and --init-from exclude each other');
  if (!values.data) throw new UsageError('--data is required (names, moby-dick or a UTF-8 text file)');

  const parent = values.resume ?? values['init-from'];
  const parentBytes = parent ? new Uint8Array(await readFile(parent)) : null;
  const parentCkpt: GptCheckpoint | null = parentBytes ? readGptCheckpoint(parentBytes) : null;
  const resumeState = values.resume && parentCkpt ? trainingStateOf(parentCkpt) : null;
  if (values.resume && (!resumeState || !parentCkpt?.optimizer)) {
    throw new UsageError(
      `${values.resume} has no optimizer state to resume from; use --init-from to fine-tune from it`,
    );
  }

  const dataBytes = await loadData(values.data);
  const tokenizer = parentCkpt?.tokenizer ?? makeTokenizer(values.tokenizer, dataBytes);
  if (!isGptPresetName(values.preset)) throw new UsageError(`--preset ${values.preset}: unknown preset`);
  const config = parentCkpt?.config ?? gptPreset(values.preset, tokenizer.vocabSize);
  const corpus = await prepareCorpus(dataBytes, tokenizer, config.contextLength);
  if (resumeState && parentCkpt && corpus.hash !== parentCkpt.data.hash) {
    throw new UsageError(`--resume needs the same data the run started on (${parentCkpt.data.description})`);
  }

  const base: TrainSettings = resumeState?.settings ?? DEFAULT_TRAIN_SETTINGS;
  const settings: TrainSettings = {
    ...base,
    steps: int(values.steps, base.steps, '--steps'),
    batchSize: resumeState ? base.batchSize : int(values.batch, base.batchSize, '--batch'),
    maxLr: num(values.lr, base.maxLr, '--lr'),
    minLr: num(values['min-lr'], base.minLr, '--min-lr'),
    warmupSteps: int(values.warmup, base.warmupSteps, '--warmup'),
    evalEvery: int(values['eval-every'], base.evalEvery, '--eval-every'),
    evalBatches: int(values['eval-batches'], base.evalBatches, '--eval-batches'),
    seed: resumeState ? base.seed : int(values.seed, base.seed, '--seed'),
  };

  const gpu = await nodeGpuContext();
  const runner = new KernelRunner(gpu);
  const trainer = await GptTrainer.create(runner, {
    config,
    tokenizer,
    corpus,
    dataDescription: values.data,
    settings,
    params: parentCkpt?.params,
    resume: resumeState && parentCkpt?.optimizer ? { optimizer: parentCkpt.optimizer, state: resumeState } : undefined,
    parent:
      values['init-from'] && parentBytes ? `sha256:${await sha256Hex(parentBytes)}` : (parentCkpt?.parent ?? null),
  });
  console.error(
    `${gpu.adapter.vendor} ${gpu.adapter.architecture} | gpt ${values.preset} ${JSON.stringify(config)} | ` +
      `${corpus.train.length} train / ${corpus.val.length} val tokens | ${settings.steps} steps of ${trainer.tokensPerStep} tokens`,
  );
  const bar = new cliProgress.SingleBar(
    {
      format: 'step {value}/{total} [{bar}] loss {loss} val {val} | {tps} tok/s | eta {eta_formatted}',
      etaBuffer: 20,
      // In a log (no terminal), a line every 10 s instead of a redrawn bar.
      noTTYOutput: true,
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(settings.steps, trainer.step, { loss: '-', val: '-', tps: '-' });
  let tokensPerSecond = 0;
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
  });
  await trainer.run({
    onStep: (r) => {
      tokensPerSecond = r.tokensPerSecond;
      bar.update(r.step, { loss: r.loss.toFixed(4), tps: r.tokensPerSecond.toFixed(0) });
    },
    onEval: (r) => bar.update(r.step, { val: r.valLoss.toFixed(4) }),
    shouldStop: () => interrupted,
  });
  bar.stop();
  if (trainer.lastValLoss === null) await trainer.evaluate();
  await writeFile(values.out, writeGptCheckpoint(await trainer.checkpoint()));
  console.error(`${interrupted ? 'stopped early; ' : ''}saved ${values.out} (resume with --resume ${values.out})`);
  const seconds = trainer.elapsedSeconds;
  console.log(
    JSON.stringify({
      steps: trainer.step,
      train_loss: round(trainer.lastLoss),
      val_loss: round(trainer.lastValLoss),
      tokens_per_s: Math.round(tokensPerSecond),
      seconds: round(seconds),
    }),
  );
  trainer.destroy();
  gpu.destroy();
});

async function loadData(data: string): Promise<Uint8Array> {
  if (BUNDLED_CORPORA.some((c) => c.id === data)) return loadBundledCorpus(data);
  try {
    return new Uint8Array(await readFile(data));
  } catch (err) {
    throw new UsageError(
      `--data ${data}: not a bundled corpus (${BUNDLED_CORPORA.map((c) => c.id).join(', ')}) nor a readable file (${(err as Error).message})`,
    );
  }
}

function makeTokenizer(spec: string, bytes: Uint8Array): Tokenizer {
  if (spec === 'byte') return new ByteTokenizer();
  const bpe = /^bpe:(\d+)$/.exec(spec);
  if (!bpe) throw new UsageError(`--tokenizer ${spec}: use 'byte' or 'bpe:VOCAB' (e.g. bpe:512)`);
  return trainBpe(decodeUtf8Strict(bytes), Number(bpe[1]));
}

function int(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new UsageError(`${flag} ${text}: expected an integer`);
  return value;
}

function num(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`${flag} ${text}: expected a number`);
  return value;
}

function round(x: number | null): number | null {
  return x === null ? null : Number(x.toFixed(4));
}
