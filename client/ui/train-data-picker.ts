/**
 * Which text to train on: a bundled corpus, or a file picked or dropped. A
 * file over the limit is refused before it is read; one that is not UTF-8
 * text (or is empty) is refused with the corpus's own message, at once.
 */
import { BUNDLED_CORPORA, type BundledCorpusId } from '../data/bundled-corpora';
import { CorpusError, corpusText } from '../data/text-corpus';
import type { CorpusSource } from '../train/run-setup';
import { byId, el } from './dom';
import { formatBytes } from './format';

/** The largest text file accepted: 50 MB (larger texts need more than a browser tab to train on). */
export const MAX_TEXT_BYTES = 50_000_000;

/** The prompt samples start from: a new line for lists of lines, a capital for prose. */
export function defaultSamplePrompt(source: { kind: string; id?: string }): string {
  return source.kind === 'bundled' && source.id === 'moby-dick' ? 'The ' : '\n';
}

export class DataPicker {
  private file: { name: string; bytes: Uint8Array } | null = null;
  private readonly error = byId('data-error');
  private readonly summary = byId('data-file-summary');
  private readonly fileInput = byId('data-file') as HTMLInputElement;

  constructor(private readonly onChange: (source: { kind: string; id?: string }) => void) {
    byId('bundled-corpora').replaceChildren(
      ...BUNDLED_CORPORA.map((c) =>
        el(
          'label',
          { class: 'choice' },
          el('input', { type: 'radio', name: 'data', value: c.id, ...(c.id === 'names' ? { checked: '' } : {}) }),
          el('span', {}, el('strong', {}, c.title), ` — ${c.description}`),
        ),
      ),
    );
    for (const radio of this.radios()) radio.addEventListener('change', () => this.changed());
    this.fileInput.addEventListener('change', () => {
      const file = this.fileInput.files?.[0];
      if (file) void this.takeFile(file);
    });
    const zone = byId('drop-zone');
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('dragging');
      const file = event.dataTransfer?.files[0];
      if (file) void this.takeFile(file);
    });
  }

  private radios(): HTMLInputElement[] {
    return [...document.querySelectorAll<HTMLInputElement>('input[name="data"]')];
  }

  private selected(): string {
    return this.radios().find((r) => r.checked)?.value ?? 'names';
  }

  private changed(): void {
    this.error.textContent = '';
    const value = this.selected();
    this.onChange(value === 'file' ? { kind: 'file' } : { kind: 'bundled', id: value });
  }

  /** Reads a picked or dropped file, after checking its size; the text must be UTF-8. */
  async takeFile(file: File): Promise<void> {
    this.file = null;
    this.summary.textContent = '';
    this.select('file');
    if (file.size > MAX_TEXT_BYTES) {
      this.error.textContent =
        `${file.name} is ${formatBytes(file.size)}, over the ${MAX_TEXT_BYTES / 1e6} MB limit. ` +
        'Train on a shorter part of it.';
      return;
    }
    this.error.textContent = '';
    const bytes = new Uint8Array(await file.arrayBuffer());
    let characters: number;
    try {
      characters = corpusText(bytes).length;
    } catch (err) {
      if (!(err instanceof CorpusError)) throw err;
      this.error.textContent = `${file.name}: ${err.message}`;
      return;
    }
    this.file = { name: file.name, bytes };
    this.summary.textContent = `${file.name}: ${formatBytes(bytes.length)} of UTF-8 text, ${characters.toLocaleString('en-US')} characters.`;
  }

  /** Checks the radio for a bundled corpus id or 'file'. */
  select(value: BundledCorpusId | 'file'): void {
    for (const radio of this.radios()) radio.checked = radio.value === value;
    this.changed();
  }

  /** The chosen text, or why there is none. */
  source(): CorpusSource | { error: string } {
    const value = this.selected();
    if (value !== 'file') return { kind: 'bundled', id: value as BundledCorpusId };
    if (!this.file) return { error: 'Choose a UTF-8 text file (or drop one on the box), or pick a bundled text.' };
    return { kind: 'file', ...this.file };
  }
}
