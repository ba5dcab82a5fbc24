/**
 * The training settings fields: filled from TrainSettings, read back checked.
 * Each bad field gives one line naming it; nothing starts until all are good.
 */
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings } from '../train/gpt-trainer';
import { byId } from './dom';

export interface RunOptions {
  settings: TrainSettings;
  autosaveEvery: number;
  samplePrompt: string;
}

export const DEFAULT_AUTOSAVE_EVERY = 50;

/** The floor of the cosine decay, as a fraction of the peak (the CLI's 1e-4 for 1e-3). */
const MIN_LR_FRACTION = DEFAULT_TRAIN_SETTINGS.minLr / DEFAULT_TRAIN_SETTINGS.maxLr;

const input = (id: string) => byId(id) as HTMLInputElement;

export function fillSettingsForm(options: RunOptions): void {
  const s = options.settings;
  input('steps').value = String(s.steps);
  input('batch-size').value = String(s.batchSize);
  input('learning-rate').value = String(s.maxLr);
  input('eval-every').value = String(s.evalEvery);
  input('autosave-every').value = String(options.autosaveEvery);
  input('seed').value = String(s.seed);
  setSamplePrompt(options.samplePrompt);
}

export function setSamplePrompt(prompt: string): void {
  input('sample-prompt').value = prompt.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\t', '\\t');
}

/** The form's options, or one message per bad field. */
export function readSettingsForm(): { options: RunOptions } | { errors: string[] } {
  const errors: string[] = [];
  const int = (id: string, label: string, min: number, max: number): number => {
    const text = input(id).value.trim();
    const value = Number(text);
    if (text === '' || !Number.isInteger(value) || value < min || value > max) {
      errors.push(
        `${label} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}.`,
      );
    }
    return value;
  };
  const steps = int('steps', 'Steps', 1, 1_000_000);
  const batchSize = int('batch-size', 'Batch size', 1, 512);
  const evalEvery = int('eval-every', 'Evaluate every', 1, 1_000_000);
  const autosaveEvery = int('autosave-every', 'Autosave every', 1, 1_000_000);
  const seed = int('seed', 'Seed', 0, 0xffffffff);
  const lrText = input('learning-rate').value.trim();
  const maxLr = Number(lrText);
  if (lrText === '' || !(maxLr > 0 && maxLr <= 1)) {
    errors.push('Learning rate must be a number above 0 and at most 1 (e.g. 1e-3 or 0.001).');
  }
  const samplePrompt = unescapePrompt(input('sample-prompt').value);
  if (samplePrompt.length === 0) errors.push('Sample prompt must have at least one character (\\n is a newline).');
  if (errors.length > 0) return { errors };
  const settings: TrainSettings = {
    ...DEFAULT_TRAIN_SETTINGS,
    steps,
    batchSize,
    maxLr,
    minLr: maxLr * MIN_LR_FRACTION,
    evalEvery,
    seed,
  };
  return { options: { settings, autosaveEvery, samplePrompt } };
}

/** The field's text with \n, \t and \\ turned into the characters they name. */
function unescapePrompt(text: string): string {
  return text.replace(/\\(n|t|\\)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}
