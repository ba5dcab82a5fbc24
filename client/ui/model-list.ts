/** A list of shared models as links to their pages: name, dataset, step and val loss. */
import type { CheckpointInfo } from '../api';
import { el } from './dom';

export function modelList(id: string, models: CheckpointInfo[]): HTMLUListElement {
  return el(
    'ul',
    { id, class: 'model-list' },
    ...models.map((m) =>
      el(
        'li',
        {},
        el('a', { href: `/m/${encodeURIComponent(m.id)}` }, m.name || m.id),
        el(
          'span',
          { class: 'hint' },
          ` ${m.dataset || 'unknown data'} · step ${m.step.toLocaleString('en-US')} · val loss ${
            m.valLoss === null ? '—' : m.valLoss.toFixed(3)
          }`,
        ),
      ),
    ),
  );
}
