/**
 * The offer to continue the autosaved run: what it is, how far it got, when
 * it was saved, the step to train until, and Resume / Discard.
 */
import type { SavedRun } from '../train/autosave';
import { byId } from './dom';
import { formatClock } from './format';

export interface SavedRunHandlers {
  resume(steps: number): void;
  discard(): void;
}

export class SavedRunOffer {
  private run: SavedRun | null = null;
  private readonly section = byId('saved-run');
  private readonly steps = byId('saved-run-steps') as HTMLInputElement;
  private readonly error = byId('saved-run-error');
  private readonly resumeButton = byId('saved-run-resume') as HTMLButtonElement;

  constructor(handlers: SavedRunHandlers) {
    this.resumeButton.addEventListener('click', () => {
      const steps = this.chosenSteps();
      if (steps !== null) handlers.resume(steps);
    });
    byId('saved-run-discard').addEventListener('click', () => handlers.discard());
  }

  /** Shows the offer; `why` says why it is offered now (e.g. the GPU was lost). */
  show(run: SavedRun, why = ''): void {
    this.run = run;
    const saved = formatClock(new Date(run.savedAt));
    const finished = run.step >= run.steps;
    byId('saved-run-summary').textContent =
      `${why ? `${why} ` : ''}${run.label}: step ${run.step} of ${run.steps}` +
      `${finished ? ' (finished; raise the step to train further)' : ''}, saved at ${saved}.`;
    this.steps.value = String(finished ? run.step * 2 : run.steps);
    this.steps.min = String(run.step + 1);
    this.resumeButton.textContent = `Resume run from step ${run.step} (saved ${saved})`;
    this.error.textContent = '';
    this.setBusy(false);
    this.section.hidden = false;
  }

  hide(): void {
    this.section.hidden = true;
  }

  /** Disables the buttons while a resume is being prepared. */
  setBusy(busy: boolean): void {
    this.resumeButton.disabled = busy;
    (byId('saved-run-discard') as HTMLButtonElement).disabled = busy;
  }

  showError(message: string): void {
    this.error.textContent = message;
  }

  private chosenSteps(): number | null {
    if (!this.run) return null;
    const steps = Number(this.steps.value);
    if (!Number.isInteger(steps) || steps <= this.run.step || steps > 1_000_000) {
      this.showError(`Train until step must be a whole number above ${this.run.step} (and at most 1,000,000).`);
      return null;
    }
    this.error.textContent = '';
    return steps;
  }
}
