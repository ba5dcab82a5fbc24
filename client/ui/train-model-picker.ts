/**
 * What to train: a new GPT from a preset with a byte or BPE tokenizer, or a
 * checkpoint file to fine-tune (its config and tokenizer are kept). A
 * checkpoint is read when picked, so a bad file is refused with its reason.
 */
import { getCheckpoint, getCheckpointFile } from '../api';
import { CheckpointError, readGptCheckpoint } from '../checkpoint/gpt-checkpoint';
import { GPT_PRESETS, type GptConfig, type GptPresetName, gptPreset } from '../model/gpt-config';
import { gptParamLayout } from '../model/gpt-params';
import { MAX_BPE_VOCAB } from '../text/bpe-tokenizer';
import type { ModelChoice } from '../train/run-setup';
import { byId, el } from './dom';
import { formatCount } from './format';

const PRESET_NOTES: Record<GptPresetName, string> = {
  tiny: 'A quick test: hundreds of steps a minute even on a CPU adapter.',
  small: 'nanoGPT’s CPU model: wants a real GPU.',
  baby: 'nanoGPT’s Shakespeare character model: a real GPU, and patience.',
};

export function describeConfig(config: GptConfig): string {
  const params = gptParamLayout(config).parameterCount;
  return (
    `${config.layers} layers, ${config.channels} wide, ${config.heads} heads, context ${config.contextLength}, ` +
    `${config.vocabSize} tokens: ${formatCount(params)} parameters`
  );
}

export class ModelPicker {
  private checkpoint: { name: string; bytes: Uint8Array } | null = null;
  private readonly preset = byId('preset') as HTMLSelectElement;
  private readonly tokenizer = byId('tokenizer') as HTMLSelectElement;
  private readonly vocab = byId('vocab-size') as HTMLInputElement;
  private readonly checkpointInput = byId('checkpoint-file') as HTMLInputElement;
  private readonly error = byId('checkpoint-error');

  constructor() {
    const names = Object.keys(GPT_PRESETS) as GptPresetName[];
    this.preset.replaceChildren(...names.map((name) => el('option', { value: name }, name)));
    this.preset.value = 'tiny';
    for (const node of [this.preset, this.tokenizer, this.vocab]) node.addEventListener('input', () => this.refresh());
    for (const radio of this.radios()) radio.addEventListener('change', () => this.refresh());
    this.checkpointInput.addEventListener('change', () => {
      const file = this.checkpointInput.files?.[0];
      if (file) void this.takeFile(file);
    });
    this.refresh();
    // /train?from=<id>: fork a shared model (the model page's "Fork and fine-tune").
    const shared = new URLSearchParams(location.search).get('from');
    if (shared) void this.takeShared(shared);
  }

  private radios(): HTMLInputElement[] {
    return [...document.querySelectorAll<HTMLInputElement>('input[name="start"]')];
  }

  private fromCheckpoint(): boolean {
    return this.radios().some((r) => r.checked && r.value === 'checkpoint');
  }

  /** The vocabulary the tokenizer field asks for (256 when BPE's is not valid yet). */
  private vocabSize(): number {
    if (this.tokenizer.value !== 'bpe') return 256;
    const v = Number(this.vocab.value);
    return Number.isInteger(v) && v > 256 && v <= MAX_BPE_VOCAB ? v : 256;
  }

  private refresh(): void {
    const name = this.preset.value as GptPresetName;
    byId('preset-description').textContent =
      `${describeConfig(gptPreset(name, this.vocabSize()))}. ${PRESET_NOTES[name]}`;
    for (const option of this.preset.options) {
      const preset = option.value as GptPresetName;
      const params = gptParamLayout(gptPreset(preset, this.vocabSize())).parameterCount;
      option.textContent = `${preset} — ${formatCount(params)} parameters`;
    }
    const checkpoint = this.fromCheckpoint();
    this.preset.disabled = checkpoint;
    this.tokenizer.disabled = checkpoint;
    this.vocab.disabled = checkpoint || this.tokenizer.value !== 'bpe';
  }

  private async takeFile(file: File): Promise<void> {
    this.startTaking();
    await this.takeCheckpoint(file.name, new Uint8Array(await file.arrayBuffer()));
  }

  /** A shared checkpoint by id, downloaded from this site. */
  private async takeShared(id: string): Promise<void> {
    this.startTaking();
    byId('checkpoint-summary').textContent = 'Downloading the shared model…';
    try {
      const [info, bytes] = await Promise.all([getCheckpoint(id), getCheckpointFile(id)]);
      await this.takeCheckpoint(`${info.name} (shared model ${id})`, bytes);
    } catch (err) {
      byId('checkpoint-summary').textContent = '';
      this.error.textContent = `The shared model ${id} could not be loaded: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private startTaking(): void {
    this.checkpoint = null;
    for (const radio of this.radios()) radio.checked = radio.value === 'checkpoint';
    this.refresh();
    byId('checkpoint-summary').textContent = '';
    this.error.textContent = '';
  }

  private async takeCheckpoint(name: string, bytes: Uint8Array): Promise<void> {
    const summary = byId('checkpoint-summary');
    try {
      const ckpt = readGptCheckpoint(bytes);
      const val = ckpt.valLoss === null ? '' : `, val loss ${ckpt.valLoss.toFixed(3)}`;
      summary.textContent =
        `${name}: ${describeConfig(ckpt.config)}; ${ckpt.tokenizer.kind} tokenizer; ` +
        `${ckpt.step} steps on ${ckpt.data.description}${val}.`;
      this.checkpoint = { name, bytes };
    } catch (err) {
      // Whatever is wrong with a file someone picked is theirs to read, not a page error.
      const message = err instanceof CheckpointError ? err.message : `checkpoint: ${String(err)}`;
      summary.textContent = '';
      this.error.textContent = `${name}: ${message}`;
    }
  }

  /** The model to train, or why it cannot be built. */
  choice(): ModelChoice | { error: string } {
    if (this.fromCheckpoint()) {
      if (!this.checkpoint) return { error: 'Choose a Kindling checkpoint (.safetensors) to fine-tune.' };
      return { kind: 'checkpoint', ...this.checkpoint };
    }
    const preset = this.preset.value as GptPresetName;
    if (this.tokenizer.value === 'byte') return { kind: 'preset', preset, tokenizer: { kind: 'byte' } };
    const vocabSize = Number(this.vocab.value);
    if (!(Number.isInteger(vocabSize) && vocabSize > 256 && vocabSize <= MAX_BPE_VOCAB)) {
      return { error: `BPE vocabulary must be a whole number from 257 to ${MAX_BPE_VOCAB.toLocaleString('en-US')}.` };
    }
    return { kind: 'preset', preset, tokenizer: { kind: 'bpe', vocabSize } };
  }
}
