/**
 * The Train text page: the form and pickers, the run's buttons, and one
 * TrainingSession at a time. The GPU device is requested once, and again
 * only after it failed; an autosaved run is offered on load and after a
 * failure. The run's loss chart and metrics stream live in RunReport, the
 * Share button in SharePanel.
 */
import { browserGpuContext } from '../gpu/browser';
import type { GpuContext } from '../gpu/device';
import { KernelRunner } from '../gpu/runner';
import { discardRun, loadRun, type SavedRun } from '../train/autosave';
import { DEFAULT_TRAIN_SETTINGS } from '../train/gpt-trainer';
import { type PreparedRun, prepareNewRun, prepareSavedRun } from '../train/run-setup';
import { type SessionState, TRAINING_SAMPLE, TrainingSession } from '../train/training-session';
import { adapterName, showAdapter, showNoGpu } from './adapter-panel';
import { byId, setStatus } from './dom';
import { downloadBytes } from './download';
import { SharePanel, type ShareRequest } from './share-panel';
import { DataPicker, defaultSamplePrompt } from './train-data-picker';
import { ModelPicker } from './train-model-picker';
import { ProgressView } from './train-progress';
import { RunReport } from './train-run-report';
import { clearSample, showSample } from './train-sample-view';
import { SavedRunOffer } from './train-saved-run';
import {
  DEFAULT_AUTOSAVE_EVERY,
  fillSettingsForm,
  type RunOptions,
  readSettingsForm,
  setSamplePrompt,
} from './train-settings-form';

type Phase = 'idle' | 'preparing' | SessionState;

const button = (id: string) => byId(id) as HTMLButtonElement;

/** Lets the browser paint a status before a long synchronous step (a hidden tab gets no frames). */
function yieldToPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
}

export class TrainPage {
  private gpu: Promise<{ context: GpuContext; runner: KernelRunner }> | null = null;
  private session: TrainingSession | null = null;
  private phase: Phase = 'idle';
  private gpuReady = false;
  private readonly progress = new ProgressView();
  private readonly report = new RunReport();
  private readonly share = new SharePanel(() => this.shareRequest());
  private readonly data = new DataPicker((source) => setSamplePrompt(defaultSamplePrompt(source)));
  private readonly model = new ModelPicker();
  private readonly offer = new SavedRunOffer({
    resume: (steps) => void this.resumeSaved(steps),
    discard: () => void this.discardSaved(),
  });
  private readonly status = byId('run-status');
  private readonly runError = byId('run-error');

  async init(): Promise<void> {
    fillSettingsForm({
      settings: DEFAULT_TRAIN_SETTINGS,
      autosaveEvery: DEFAULT_AUTOSAVE_EVERY,
      samplePrompt: defaultSamplePrompt({ kind: 'bundled', id: 'names' }),
    });
    button('start').addEventListener('click', () => void this.startNew());
    button('pause').addEventListener('click', () => this.session?.pause());
    button('resume').addEventListener('click', () => void this.session?.resume());
    button('stop').addEventListener('click', () => void this.session?.stop());
    button('download').addEventListener('click', () => void this.download());
    this.setPhase('idle');
    await Promise.all([this.connectGpu(), this.offerSavedRun()]);
  }

  /** The page's device; a new one after the last was lost. */
  private gpuRunner(): Promise<{ context: GpuContext; runner: KernelRunner }> {
    this.gpu ??= browserGpuContext().then((context) => ({ context, runner: new KernelRunner(context) }));
    return this.gpu;
  }

  private async connectGpu(): Promise<void> {
    try {
      const { context } = await this.gpuRunner();
      showAdapter(byId('gpu-status'), document.createElement('div'), context.adapter);
      this.progress.adapter(adapterName(context.adapter));
      this.gpuReady = true;
    } catch (err) {
      this.gpu = null;
      showNoGpu(byId('gpu-status'), err);
    }
    this.setPhase(this.phase);
  }

  private async offerSavedRun(why = ''): Promise<void> {
    let saved: Awaited<ReturnType<typeof loadRun>>;
    try {
      saved = await loadRun();
    } catch {
      return; // No storage (e.g. a private window): nothing to offer.
    }
    if (saved) this.offer.show(saved.run, why);
    else this.offer.hide();
  }

  private setPhase(phase: Phase, message?: string): void {
    this.phase = phase;
    const active = phase === 'preparing' || phase === 'training' || phase === 'paused';
    (byId('setup') as HTMLFieldSetElement).disabled = active;
    button('start').disabled = active || !this.gpuReady;
    button('pause').disabled = phase !== 'training';
    button('resume').disabled = phase !== 'paused';
    button('stop').disabled = !(phase === 'training' || phase === 'paused');
    const checkpoint = !!this.session && phase !== 'preparing' && phase !== 'failed';
    button('download').disabled = !checkpoint;
    this.share.setEnabled(checkpoint && phase !== 'training');
    this.report.setBusy(active);
    this.offer.setBusy(active);
    if (active) this.offer.hide();
    if (message !== undefined) setStatus(this.status, phase, message);
  }

  private showPhase = async (message: string): Promise<void> => {
    setStatus(this.status, 'preparing', message);
    await yieldToPaint();
  };

  private readPlan() {
    for (const id of ['data-error', 'settings-error', 'run-error']) byId(id).textContent = '';
    const corpus = this.data.source();
    const model = this.model.choice();
    const form = readSettingsForm();
    if ('error' in corpus) byId('data-error').textContent = corpus.error;
    if ('error' in model) byId('checkpoint-error').textContent = model.error;
    if ('errors' in form) byId('settings-error').textContent = form.errors.join(' ');
    if ('error' in corpus || 'error' in model || 'errors' in form) return null;
    return { plan: { corpus, model, settings: form.options.settings }, options: form.options };
  }

  private async startNew(): Promise<void> {
    const read = this.readPlan();
    if (!read) return;
    await this.launch(read.options, null, () => prepareNewRun(read.plan, this.showPhase));
  }

  private async resumeSaved(steps: number): Promise<void> {
    let saved: Awaited<ReturnType<typeof loadRun>>;
    try {
      saved = await loadRun();
    } catch (err) {
      this.offer.showError(`The saved run could not be read: ${String(err)}`);
      return;
    }
    if (!saved) {
      this.offer.showError('The saved run is gone (discarded in another tab?).');
      return;
    }
    const { run, corpusBytes } = saved;
    if (run.corpus.kind === 'bundled') this.data.select(run.corpus.id);
    const options = { autosaveEvery: run.autosaveEvery, samplePrompt: run.samplePrompt };
    await this.launch(options, run, () => prepareSavedRun(run, corpusBytes, steps, this.showPhase));
  }

  /** Prepares the run (text, tokenizer, model on the GPU), then trains it; `saved` is the autosave it resumes. */
  private async launch(
    options: Omit<RunOptions, 'settings'>,
    saved: SavedRun | null,
    prepare: () => Promise<PreparedRun>,
  ): Promise<void> {
    const resumed = saved !== null;
    await this.endSession();
    this.runError.textContent = '';
    this.share.clear();
    this.setPhase('preparing', 'Preparing…');
    let session: TrainingSession;
    try {
      const prepared = await prepare();
      const { context, runner } = await this.gpuRunner();
      showAdapter(byId('gpu-status'), document.createElement('div'), context.adapter);
      this.progress.adapter(adapterName(context.adapter));
      await this.showPhase('Building the model on the GPU (the first time compiles its kernels)…');
      session = await TrainingSession.create(
        runner,
        prepared,
        {
          autosaveEvery: options.autosaveEvery,
          samplePrompt: options.samplePrompt,
          sample: TRAINING_SAMPLE,
          saveExtras: () => this.report.saved(),
        },
        {
          state: (state, message) => this.sessionState(state, message),
          step: (r) => {
            this.progress.step(r);
            this.report.step(r);
          },
          eval: (r) => {
            this.progress.eval(r);
            this.report.eval(r);
          },
          sample: showSample,
          saved: (step, at) => this.progress.saved(step, at),
          saveFailed: (message) => {
            this.runError.textContent = `${message} Training goes on; a reload would lose the steps since the last save.`;
          },
        },
        resumed,
      );
      if (resumed) session.lastSavedStep = session.trainer.step;
      this.report.begin(prepared, context.adapter, saved);
    } catch (err) {
      this.setPhase('idle', 'Nothing started.');
      this.runError.textContent = err instanceof Error ? err.message : String(err);
      this.dropFailedGpu();
      await this.offerSavedRun();
      return;
    }
    this.session = session;
    // The form shows what this run trains with (a resumed run's own settings).
    fillSettingsForm({ settings: session.settings, ...options });
    this.progress.reset(session.trainer.step, session.settings.steps);
    clearSample();
    await session.resume();
  }

  private sessionState(state: SessionState, message = ''): void {
    const label = this.session?.run.label ?? '';
    this.progress.draw();
    if (state !== 'training') void this.report.settle();
    if (state === 'training') {
      this.setPhase('training', `Training ${label}…`);
      return;
    }
    if (state === 'failed') {
      // The status says what happened in short; the alert says why and what is saved.
      this.setPhase(state, 'Training stopped; the message above says why.');
      this.runError.textContent = message;
      this.dropFailedGpu();
      void this.offerSavedRun('Resume on a new GPU device from the last autosave:');
      return;
    }
    this.setPhase(state, message);
  }

  /** After a device loss or an uncaptured error, the next run asks for a new device. */
  private dropFailedGpu(): void {
    const gpu = this.gpu;
    if (!gpu) return;
    void gpu.then(
      ({ context }) => {
        if (!context.failure || this.gpu !== gpu) return;
        this.gpu = null;
        context.destroy();
        setStatus(byId('gpu-status'), 'error', 'The GPU device was lost. Resuming asks the browser for a new one.');
      },
      () => undefined,
    );
  }

  private async endSession(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (!session) return;
    await session.stop();
    session.destroy();
  }

  private async download(): Promise<void> {
    const session = this.session;
    if (!session) return;
    try {
      const bytes = await session.checkpointFile();
      const name = session.run.label.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '');
      downloadBytes(bytes, `${name}-step${session.trainer.step}.safetensors`);
    } catch (err) {
      this.runError.textContent = `The checkpoint could not be written: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /** Share's checkpoint: the weights without the optimizer state, after the metrics so far went (so the model page has them). */
  private async shareRequest(): Promise<ShareRequest | null> {
    const session = this.session;
    if (!session) return null;
    const bytes = await session.checkpointFile(false);
    await this.report.settle();
    const name = `${session.run.label}, step ${session.trainer.step}`.slice(0, 100);
    return { bytes, name, runId: this.report.runId };
  }

  private async discardSaved(): Promise<void> {
    try {
      await discardRun();
    } catch (err) {
      this.offer.showError(`Could not discard: ${String(err)}`);
      return;
    }
    this.offer.hide();
  }
}
