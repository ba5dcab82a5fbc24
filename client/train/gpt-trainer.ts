import type { CheckpointData, GptCheckpoint } from '../checkpoint/gpt-checkpoint';
import { type Batch, evalBatches, sampleBatch } from '../data/batches';
import { Mulberry32 } from '../data/mulberry32';
import type { PreparedCorpus } from '../data/text-corpus';
import type { KernelRunner } from '../gpu/runner';
import type { GptConfig } from '../model/gpt-config';
import { type AdamWHyperparameters, DEFAULT_ADAMW, GptGpu } from '../model/gpt-gpu';
import { gptParamLayout, initGptParams } from '../model/gpt-params';
import type { Tokenizer } from '../text/tokenizer';
import { learningRate } from './schedule';

/**
 * The training loop, the same in the browser and in Node: seeded batches,
 * AdamW with warmup + cosine decay and gradient clipping (in GptGpu),
 * periodic evaluation on fixed val batches, and a checkpoint that resumes
 * exactly: parameters, AdamW moments, the step and the batch sampler's state.
 */

export interface TrainSettings {
  /** Sequences per step (B); each is the model's full context (T). */
  batchSize: number;
  /** Steps the schedule spans; training stops there. */
  steps: number;
  maxLr: number;
  minLr: number;
  warmupSteps: number;
  /** Evaluate val loss every this many steps (and at the end). */
  evalEvery: number;
  /** Val batches per evaluation (fixed windows, evenly spaced). */
  evalBatches: number;
  /** Seeds the parameter init (fresh runs) and the batch sampler. */
  seed: number;
  adamw: AdamWHyperparameters;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  batchSize: 8,
  steps: 1000,
  maxLr: 1e-3,
  minLr: 1e-4,
  warmupSteps: 20,
  evalEvery: 100,
  evalBatches: 8,
  seed: 1,
  adamw: DEFAULT_ADAMW,
};

/** What a checkpoint's `training` metadata holds, for exact resume. */
export interface TrainingState {
  settings: TrainSettings;
  /** Steps completed. */
  step: number;
  /** The batch sampler's mulberry32 state after `step` steps. */
  rngState: number;
}

export interface StepReport {
  step: number;
  loss: number;
  lr: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
  etaSeconds: number;
}

export interface EvalReport {
  step: number;
  valLoss: number;
}

export interface RunCallbacks {
  onStep?: (report: StepReport) => void;
  onEval?: (report: EvalReport) => void;
  /** Checked between steps: true pauses (run returns; call run again to continue). */
  shouldStop?: () => boolean;
  /** Stop after this step even if the schedule goes on (e.g. to save and resume). */
  untilStep?: number;
}

export interface TrainerSource {
  config: GptConfig;
  tokenizer: Tokenizer;
  corpus: PreparedCorpus;
  /** Describes the training text for the checkpoint (e.g. 'names', a file name). */
  dataDescription: string;
  settings: TrainSettings;
  /** Start from these parameters (fine-tune, resume); fresh init from the seed otherwise. */
  params?: Float32Array;
  /** Resume: the AdamW moments and the loop's state. */
  resume?: { optimizer: { m: Float32Array; v: Float32Array }; state: TrainingState };
  /** The checkpoint this run starts from, recorded as the new one's parent. */
  parent?: string | null;
  kernelVersion?: string;
}

export const KERNEL_VERSION = '1';

export class GptTrainer {
  step: number;
  lastLoss: number | null = null;
  lastValLoss: number | null = null;
  private readonly rng: Mulberry32;
  private readonly batch: Batch;
  private readonly valBatches: Batch[];
  /** Wall-clock seconds spent in run(), across calls. */
  elapsedSeconds = 0;

  private constructor(
    readonly model: GptGpu,
    readonly source: TrainerSource,
  ) {
    const { settings } = source;
    const T = source.config.contextLength;
    this.step = source.resume?.state.step ?? 0;
    this.rng = new Mulberry32(settings.seed);
    if (source.resume) this.rng.state = source.resume.state.rngState;
    this.batch = { inputs: new Uint32Array(settings.batchSize * T), targets: new Uint32Array(settings.batchSize * T) };
    this.valBatches = evalBatches(source.corpus.val, settings.batchSize, T, settings.evalBatches);
  }

  static async create(runner: KernelRunner, source: TrainerSource): Promise<GptTrainer> {
    checkSettings(source.settings);
    if (source.tokenizer.vocabSize !== source.config.vocabSize) {
      throw new RangeError(
        `the tokenizer has ${source.tokenizer.vocabSize} tokens but the model's vocabulary is ${source.config.vocabSize}`,
      );
    }
    const T = source.config.contextLength;
    const model = await GptGpu.create(runner, source.config, source.settings.batchSize, T, {
      adamw: source.settings.adamw,
    });
    try {
      model.setParams(source.params ?? initGptParams(gptParamLayout(source.config), source.settings.seed));
      if (source.resume) model.setOptimizerState(source.resume.optimizer.m, source.resume.optimizer.v);
      return new GptTrainer(model, source);
    } catch (err) {
      model.destroy();
      throw err;
    }
  }

  get settings(): TrainSettings {
    return this.source.settings;
  }

  get done(): boolean {
    return this.step >= this.settings.steps;
  }

  /** Tokens one step trains on. */
  get tokensPerStep(): number {
    return this.settings.batchSize * this.source.config.contextLength;
  }

  /**
   * Trains until the schedule ends, `untilStep`, or `shouldStop()`. Each
   * step's loss is read back while the next step runs (one step in flight).
   */
  async run(callbacks: RunCallbacks = {}): Promise<void> {
    const s = this.settings;
    const until = Math.min(callbacks.untilStep ?? s.steps, s.steps);
    const schedule = { maxLr: s.maxLr, minLr: s.minLr, warmupSteps: s.warmupSteps, totalSteps: s.steps };
    const firstStep = this.step;
    let pending: { step: number; lr: number; loss: Promise<number> } | null = null;
    let lastTime = performance.now();
    // Reports the step in flight once its loss is back; time between reports is its duration.
    const report = async () => {
      if (!pending) return;
      const loss = await pending.loss;
      const now = performance.now();
      const seconds = (now - lastTime) / 1000;
      lastTime = now;
      this.elapsedSeconds += seconds;
      this.lastLoss = loss;
      const perStep = this.elapsedSeconds / Math.max(1, pending.step - firstStep);
      callbacks.onStep?.({
        step: pending.step,
        loss,
        lr: pending.lr,
        tokensPerSecond: this.tokensPerStep / Math.max(seconds, 1e-9),
        elapsedSeconds: this.elapsedSeconds,
        etaSeconds: perStep * (s.steps - pending.step),
      });
      pending = null;
    };
    while (this.step < until && !callbacks.shouldStop?.()) {
      const lr = learningRate(schedule, this.step);
      sampleBatch(this.source.corpus.train, s.batchSize, this.source.config.contextLength, this.rng, this.batch);
      this.model.setBatch(this.batch.inputs, this.batch.targets);
      const { loss } = await this.model.trainStep(lr, this.step + 1);
      this.step += 1;
      await report(); // the previous step, while this one runs
      pending = { step: this.step, lr, loss };
      if (this.step % s.evalEvery === 0 || this.step === s.steps) {
        await report();
        const valLoss = await this.evaluate();
        callbacks.onEval?.({ step: this.step, valLoss });
        lastTime = performance.now(); // evaluation time is not a training step's
      }
    }
    await report();
  }

  /** Mean loss over the fixed val batches. */
  async evaluate(): Promise<number> {
    let sum = 0;
    for (const batch of this.valBatches) {
      this.model.setBatch(batch.inputs, batch.targets);
      sum += await (await this.model.evalStep()).loss;
    }
    this.lastValLoss = sum / this.valBatches.length;
    return this.lastValLoss;
  }

  /** Everything needed to share the model or resume this run exactly. */
  async checkpoint(withOptimizer = true): Promise<GptCheckpoint> {
    const data: CheckpointData = {
      description: this.source.dataDescription,
      hash: this.source.corpus.hash,
      bytes: this.source.corpus.bytes,
    };
    const state: TrainingState = { settings: this.settings, step: this.step, rngState: this.rng.state };
    return {
      config: this.source.config,
      tokenizer: this.source.tokenizer,
      params: await this.model.readParams(),
      step: this.step,
      trainLoss: this.lastLoss,
      valLoss: this.lastValLoss,
      data,
      seed: this.settings.seed,
      parent: this.source.parent ?? null,
      kernelVersion: this.source.kernelVersion ?? KERNEL_VERSION,
      optimizer: withOptimizer ? await this.model.readOptimizerState() : null,
      training: state,
    };
  }

  destroy(): void {
    this.model.destroy();
  }
}

/** The TrainingState in a checkpoint's metadata, checked; null when it has none. */
export function trainingStateOf(ckpt: GptCheckpoint): TrainingState | null {
  const t = ckpt.training as Partial<TrainingState> | null;
  if (!t) return null;
  if (typeof t.step !== 'number' || typeof t.rngState !== 'number' || typeof t.settings !== 'object' || !t.settings) {
    throw new RangeError('checkpoint: metadata.training is not a training state');
  }
  checkSettings(t.settings);
  return t as TrainingState;
}

function checkSettings(s: TrainSettings): void {
  const positiveInts = ['batchSize', 'steps', 'evalEvery', 'evalBatches'] as const;
  for (const key of positiveInts) {
    if (!Number.isInteger(s[key]) || s[key] < 1)
      throw new RangeError(`${key} must be a positive integer (got ${s[key]})`);
  }
  if (!Number.isInteger(s.warmupSteps) || s.warmupSteps < 0) {
    throw new RangeError(`warmupSteps must be a non-negative integer (got ${s.warmupSteps})`);
  }
  for (const key of ['maxLr', 'minLr'] as const) {
    if (!(s[key] >= 0 && Number.isFinite(s[key]))) throw new RangeError(`${key} must be a finite number >= 0`);
  }
}
