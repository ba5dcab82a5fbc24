/** The model page's facts (config, data, losses) and lineage (parent, forks). */
import { ApiRequestError, type CheckpointInfo, getCheckpoint, listCheckpoints } from '../api';
import { gptParamLayout } from '../model/gpt-params';
import { el } from './dom';
import { formatBytes, formatCount } from './format';
import { modelList } from './model-list';

/** 1.234, or — when the loss was not recorded. */
export function formatLoss(loss: number | null): string {
  return loss === null ? '—' : loss.toFixed(3);
}

export function showFacts(node: HTMLElement, info: CheckpointInfo): void {
  const c = info.config;
  const params = gptParamLayout({ ...c }).parameterCount;
  const facts: [string, string, string][] = [
    ['layers', 'Layers', String(c.layers)],
    ['heads', 'Heads', String(c.heads)],
    ['width', 'Width', String(c.channels)],
    ['context', 'Context', `${c.contextLength} tokens`],
    ['vocab', 'Vocabulary', `${c.vocabSize} tokens`],
    ['params', 'Parameters', formatCount(params)],
    ['dataset', 'Dataset', info.dataset || '—'],
    ['step', 'Step', info.step.toLocaleString('en-US')],
    ['train-loss', 'Train loss', formatLoss(info.trainLoss)],
    ['val-loss', 'Val loss', formatLoss(info.valLoss)],
    ['tokenizer', 'Tokenizer', info.tokenizer === 'byte' ? 'byte (UTF-8 bytes)' : info.tokenizer],
    [
      'created',
      'Shared',
      new Date(info.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }),
    ],
    ['size', 'File', formatBytes(info.size)],
  ];
  node.replaceChildren(
    ...facts.map(([key, label, value]) =>
      el('div', {}, el('dt', {}, label), el('dd', { id: `fact-${key}`, 'data-value': value }, value)),
    ),
  );
}

/** "Fine-tuned from <link>", "… from a model that was deleted", or "Trained from scratch". */
export async function showParent(node: HTMLElement, info: CheckpointInfo): Promise<void> {
  if (!info.parentId) {
    node.replaceChildren('Trained from scratch: this model has no parent.');
    return;
  }
  try {
    const parent = await getCheckpoint(info.parentId);
    node.replaceChildren(
      'Fine-tuned from ',
      el('a', { id: 'parent-link', href: `/m/${encodeURIComponent(parent.id)}` }, parent.name || parent.id),
      ` (step ${parent.step.toLocaleString('en-US')}, val loss ${formatLoss(parent.valLoss)}).`,
    );
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 404) {
      node.replaceChildren(`Fine-tuned from ${info.parentId}, a model that has since been deleted.`);
    } else {
      node.replaceChildren(`Fine-tuned from ${info.parentId} (its details could not be loaded: ${String(err)}).`);
    }
  }
}

export async function showForks(node: HTMLElement, info: CheckpointInfo): Promise<void> {
  try {
    const forks = await listCheckpoints({ parent: info.id });
    node.replaceChildren(
      forks.length === 0
        ? el('p', {}, 'No forks yet: nobody has shared a model fine-tuned from this one.')
        : el('p', {}, `Forks (${forks.length}): models fine-tuned from this one.`),
      modelList('model-fork-list', forks),
    );
  } catch (err) {
    node.replaceChildren(el('p', { class: 'error' }, `The forks could not be loaded: ${String(err)}`));
  }
}
