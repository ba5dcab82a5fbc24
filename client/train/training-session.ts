/**
 * One training run in the browser: GptTrainer.run in chunks that end at each
 * evaluation and autosave step, so that between chunks the session can sample
 * from the current weights, save to IndexedDB and hand out a checkpoint —
 * never while a step is in flight. Pause, stop and a download request all
 * end the current chunk after its step.
 *
 * Every await in the loop is GPU work or storage, so the page stays live. A
 * lost device or an uncaptured WebGPU error makes those awaits throw (the
 * GpuContext records it first); the run then ends as 'failed', and the page
 * offers to resume from the last autosave on a new device.
 */
import { writeGptCheckpoint } from '../checkpoint/gpt-checkpoint';
import { GpuError } from '../gpu/errors';
import type { KernelRunner } from '../gpu/runner';
import { GptSampler, type SampleOptions } from '../model/generate';
import { type SavedRun, saveRun } from './autosave';
import { type EvalReport, GptTrainer, type StepReport } from './gpt-trainer';
import type { PreparedRun } from './run-setup';

export type SessionState = 'training' | 'paused' | 'stopped' | 'done' | 'failed';

/** What the page shows; the session calls these as things happen. */
export interface SessionView {
  state(state: SessionState, message?: string): void;
  step(report: StepReport): void;
  eval(report: EvalReport): void;
  /** A sample from the weights after `step`, growing as tokens arrive. */
  sample(step: number, prompt: string, text: string): void;
  saved(step: number, savedAt: Date): void;
  saveFailed(message: string): void;
}

export interface SessionOptions {
  autosaveEvery: number;
  samplePrompt: string;
  sample: SampleOptions;
  /** More to keep in each autosave (the page's loss curve and metrics run), taken at the save. */
  saveExtras?: () => Pick<SavedRun, 'history' | 'metrics'>;
}

/** Samples: seeded the same every time, so two samples differ only by the weights. */
export const TRAINING_SAMPLE: SampleOptions = { maxTokens: 64, temperature: 0.8, topK: 40, seed: 1 };

export class TrainingSession {
  state: SessionState = 'paused';
  lastSavedStep: number | null = null;
  private running: Promise<void> | null = null;
  private pauseRequested = false;
  private stopRequested = false;
  private downloads: { withOptimizer: boolean; resolve: (b: Uint8Array) => void; reject: (e: unknown) => void }[] = [];
  private sampler: GptSampler | null = null;
  private lastSampledStep = -1;
  /** The last step whose loss came back (steps after it were in flight). */
  private reportedStep: number;
  private destroyed = false;

  private constructor(
    readonly runner: KernelRunner,
    readonly trainer: GptTrainer,
    readonly run: PreparedRun,
    readonly options: SessionOptions,
    private readonly view: SessionView,
    /** Whether browser storage already holds this run's uploaded text. */
    private corpusStored: boolean,
  ) {
    this.reportedStep = trainer.step;
    // A device lost while paused ends the run too (a running loop finds out by itself).
    void runner.device.lost.then((info) => {
      if (info.reason === 'destroyed' || this.destroyed || this.running) return;
      this.fail(runner.gpu.failure ?? new GpuError('device-lost', info.message));
    });
  }

  static async create(
    runner: KernelRunner,
    run: PreparedRun,
    options: SessionOptions,
    view: SessionView,
    corpusStored: boolean,
  ): Promise<TrainingSession> {
    const trainer = await GptTrainer.create(runner, run.source);
    return new TrainingSession(runner, trainer, run, options, view, corpusStored);
  }

  get settings() {
    return this.trainer.settings;
  }

  /** Starts or continues training; resolves when it pauses, stops, finishes or fails. */
  resume(): Promise<void> {
    if (this.running || this.state === 'failed' || this.destroyed) return this.running ?? Promise.resolve();
    this.pauseRequested = false;
    this.stopRequested = false;
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Pauses after the step in flight (and saves). */
  pause(): void {
    this.pauseRequested = true;
  }

  /** Ends the run after the step in flight (and saves); the checkpoint stays downloadable. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    if (this.running) return this.running;
    if (this.state === 'paused') {
      this.state = 'stopped';
      this.view.state('stopped', `Stopped at step ${this.trainer.step}.`);
    }
  }

  /** The run's checkpoint (weights, AdamW moments, training state) as safetensors bytes. */
  /**
   * The run's checkpoint file, taken between steps. With the AdamW state it
   * resumes exactly (the download); without it, it is a third of the size
   * (what Share uploads: enough to sample and to fine-tune from).
   */
  checkpointFile(withOptimizer = true): Promise<Uint8Array> {
    if (!this.running) return this.checkpointBytes(withOptimizer);
    return new Promise((resolve, reject) => this.downloads.push({ withOptimizer, resolve, reject }));
  }

  private interrupted(): boolean {
    return this.pauseRequested || this.stopRequested || this.downloads.length > 0;
  }

  /** The next step that ends a chunk: an evaluation, an autosave or the end. */
  private nextBoundary(): number {
    const step = this.trainer.step;
    const next = (every: number) => (Math.floor(step / every) + 1) * every;
    return Math.min(next(this.settings.evalEvery), next(this.options.autosaveEvery), this.settings.steps);
  }

  private async loop(): Promise<void> {
    this.setState('training');
    try {
      while (!this.trainer.done && !this.pauseRequested && !this.stopRequested) {
        await this.trainer.run({
          onStep: (r) => {
            this.reportedStep = r.step;
            this.view.step(r);
          },
          onEval: (r) => this.view.eval(r),
          shouldStop: () => this.interrupted(),
          untilStep: this.nextBoundary(),
        });
        await this.serveDownloads();
        const step = this.trainer.step;
        if (step % this.settings.evalEvery === 0 || this.trainer.done) await this.sample();
        if (step % this.options.autosaveEvery === 0 || this.trainer.done) await this.autosave();
      }
      await this.autosave();
      await this.serveDownloads();
      const step = this.trainer.step;
      if (this.stopRequested) this.setState('stopped', `Stopped at step ${step}.`);
      else if (this.trainer.done) this.setState('done', `Finished: ${step} steps.`);
      else this.setState('paused', `Paused at step ${step}.`);
    } catch (err) {
      this.fail(err);
    }
  }

  private setState(state: SessionState, message?: string): void {
    this.state = state;
    this.view.state(state, message);
  }

  private fail(err: unknown): void {
    const gpuFailure = this.runner.gpu.failure ?? (err instanceof GpuError ? err : null);
    const error = gpuFailure ?? err;
    for (const d of this.downloads.splice(0)) d.reject(error);
    const saved =
      this.lastSavedStep === null ? 'Nothing was autosaved yet.' : `The last autosave is step ${this.lastSavedStep}.`;
    const what = gpuFailure
      ? `The GPU stopped working: ${gpuFailure.message}`
      : `Training failed: ${err instanceof Error ? err.message : String(err)}`;
    this.setState('failed', `${what} Training stopped at step ${this.reportedStep}. ${saved}`);
  }

  private async checkpointBytes(withOptimizer: boolean): Promise<Uint8Array> {
    return writeGptCheckpoint(await this.trainer.checkpoint(withOptimizer));
  }

  /** Each waiting request gets its file; one readback per kind of file, however many asked. */
  private async serveDownloads(): Promise<void> {
    const files = new Map<boolean, Promise<Uint8Array>>();
    for (const d of this.downloads.splice(0)) {
      if (!files.has(d.withOptimizer)) files.set(d.withOptimizer, this.checkpointBytes(d.withOptimizer));
      files.get(d.withOptimizer)?.then(d.resolve, d.reject);
    }
    await Promise.allSettled(files.values());
  }

  /** A sample from the current weights; GPU failures end the run, anything else is shown. */
  private async sample(): Promise<void> {
    const step = this.trainer.step;
    if (step === this.lastSampledStep) return;
    this.lastSampledStep = step;
    const { config, tokenizer } = this.run.source;
    const params = await this.trainer.model.readParams();
    if (this.sampler) this.sampler.model.setParams(params);
    else this.sampler = await GptSampler.create(this.runner, config, params, tokenizer);
    const prompt = this.options.samplePrompt;
    let text = '';
    this.view.sample(step, prompt, text);
    await this.sampler.generate(prompt, this.options.sample, (piece) => {
      text += piece;
      this.view.sample(step, prompt, text);
    });
  }

  /** Saves the run to IndexedDB; a storage failure is reported, and training goes on. */
  private async autosave(): Promise<void> {
    const step = this.trainer.step;
    if (step === this.lastSavedStep) return;
    const checkpoint = await this.checkpointBytes(true);
    const savedAt = new Date();
    const { run } = this;
    const withCorpus = run.savedCorpus.kind === 'file' && !this.corpusStored;
    try {
      await saveRun(
        {
          checkpoint,
          corpus: run.savedCorpus,
          step,
          steps: this.settings.steps,
          label: run.label,
          autosaveEvery: this.options.autosaveEvery,
          samplePrompt: this.options.samplePrompt,
          savedAt: savedAt.getTime(),
          ...this.options.saveExtras?.(),
        },
        withCorpus ? run.corpusBytes : undefined,
      );
    } catch (err) {
      this.view.saveFailed(`Autosave failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (withCorpus) this.corpusStored = true;
    this.lastSavedStep = step;
    this.view.saved(step, savedAt);
  }

  destroy(): void {
    this.destroyed = true;
    this.pauseRequested = true;
    this.sampler?.destroy();
    this.trainer.destroy();
  }
}
