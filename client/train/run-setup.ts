/**
 * What the browser trainer starts from, made the way scripts/train.ts makes
 * it: the text's bytes, a tokenizer (bytes, a BPE trained on the text, or a
 * checkpoint's), the config (a preset, or the checkpoint's), the prepared
 * corpus and the trainer's source. A new run, a fine-tune and a resumed
 * autosave all end in the same PreparedRun.
 */
import { readGptCheckpoint } from '../checkpoint/gpt-checkpoint';
import { type BundledCorpusId, findBundledCorpus } from '../data/bundled-corpora';
import { loadBundledCorpus } from '../data/bundled-corpora.browser';
import { corpusText, prepareCorpus, sha256Hex } from '../data/text-corpus';
import { type GptPresetName, gptPreset } from '../model/gpt-config';
import { trainBpe } from '../text/bpe-training';
import { ByteTokenizer } from '../text/byte-tokenizer';
import type { Tokenizer } from '../text/tokenizer';
import type { SavedCorpus, SavedRun } from './autosave';
import { type TrainerSource, type TrainSettings, trainingStateOf } from './gpt-trainer';

export type CorpusSource = { kind: 'bundled'; id: BundledCorpusId } | { kind: 'file'; name: string; bytes: Uint8Array };

export type TokenizerChoice = { kind: 'byte' } | { kind: 'bpe'; vocabSize: number };

/** A fresh model from a preset, or a fine-tune of a checkpoint file (its config and tokenizer). */
export type ModelChoice =
  | { kind: 'preset'; preset: GptPresetName; tokenizer: TokenizerChoice }
  | { kind: 'checkpoint'; name: string; bytes: Uint8Array };

export interface RunPlan {
  corpus: CorpusSource;
  model: ModelChoice;
  settings: TrainSettings;
}

/** A long synchronous step is next: the UI shows it (and gets to paint) before it starts. */
export type OnPhase = (message: string) => Promise<void>;

export interface PreparedRun {
  source: TrainerSource;
  corpusBytes: Uint8Array;
  savedCorpus: SavedCorpus;
  /** E.g. 'tiny GPT on names'. */
  label: string;
}

/** The checkpoint behind `resume` when the run continues an autosave. */
export interface ResumedRun extends PreparedRun {
  savedStep: number;
}

export async function prepareNewRun(plan: RunPlan, onPhase: OnPhase): Promise<PreparedRun> {
  await onPhase('Loading the text…');
  const bytes = plan.corpus.kind === 'bundled' ? await loadBundledCorpus(plan.corpus.id) : plan.corpus.bytes;
  const description = plan.corpus.kind === 'bundled' ? plan.corpus.id : plan.corpus.name;

  let tokenizer: Tokenizer;
  let config: TrainerSource['config'];
  let params: Float32Array | undefined;
  let parent: string | null = null;
  let label: string;
  if (plan.model.kind === 'checkpoint') {
    const parentCkpt = readGptCheckpoint(plan.model.bytes);
    ({ tokenizer, config, params } = parentCkpt);
    parent = `sha256:${await sha256Hex(plan.model.bytes)}`;
    label = `${plan.model.name} fine-tuned on ${description}`;
  } else {
    const choice = plan.model.tokenizer;
    if (choice.kind === 'bpe') {
      const text = corpusText(bytes);
      await onPhase(`Training a BPE tokenizer of ${choice.vocabSize} tokens on the text…`);
      tokenizer = trainBpe(text, choice.vocabSize);
    } else {
      tokenizer = new ByteTokenizer();
    }
    config = gptPreset(plan.model.preset, tokenizer.vocabSize);
    label = `${plan.model.preset} GPT on ${description}`;
  }
  await onPhase('Tokenizing the text…');
  const corpus = await prepareCorpus(bytes, tokenizer, config.contextLength);
  const savedCorpus: SavedCorpus =
    plan.corpus.kind === 'bundled' ? plan.corpus : { kind: 'file', name: plan.corpus.name, hash: corpus.hash };
  return {
    source: { config, tokenizer, corpus, dataDescription: description, settings: plan.settings, params, parent },
    corpusBytes: bytes,
    savedCorpus,
    label,
  };
}

/**
 * An autosaved run rebuilt for exact resume (as `train --resume`): its
 * checkpoint's parameters, AdamW moments, step and sampler state, on the same
 * text. `steps` may extend the schedule.
 */
export async function prepareSavedRun(
  saved: SavedRun,
  storedBytes: Uint8Array | null,
  steps: number,
  onPhase: OnPhase,
): Promise<ResumedRun> {
  await onPhase('Reading the saved run…');
  const ckpt = readGptCheckpoint(saved.checkpoint);
  const state = trainingStateOf(ckpt);
  if (!state || !ckpt.optimizer) throw new Error('the saved run has no optimizer state to resume from');
  const bytes =
    saved.corpus.kind === 'bundled' ? await loadBundledCorpus(findBundledCorpus(saved.corpus.id).id) : storedBytes;
  if (!bytes) throw new Error('the saved run’s text is missing from browser storage');
  await onPhase('Tokenizing the text…');
  const corpus = await prepareCorpus(bytes, ckpt.tokenizer, ckpt.config.contextLength);
  if (corpus.hash !== ckpt.data.hash) {
    throw new Error(`the saved run’s text (${ckpt.data.description}) has changed, so it cannot resume exactly`);
  }
  return {
    source: {
      config: ckpt.config,
      tokenizer: ckpt.tokenizer,
      corpus,
      dataDescription: ckpt.data.description,
      settings: { ...state.settings, steps },
      params: ckpt.params,
      resume: { optimizer: ckpt.optimizer, state },
      parent: ckpt.parent,
    },
    corpusBytes: bytes,
    savedCorpus: saved.corpus,
    label: saved.label,
    savedStep: state.step,
  };
}
