/** A shared model's page, /m/<id>: what it is, where it came from, its curves, and a prompt box. */
import { ApiRequestError, type CheckpointInfo, getCheckpoint } from './api';
import { byId, el, setStatus } from './ui/dom';
import { showLossCurves } from './ui/model-chart';
import { ModelGenerator } from './ui/model-generate';
import { showShare } from './ui/model-share';
import { showFacts, showForks, showParent } from './ui/model-summary';

/** The id in /m/<id>, or null on any other path. */
function modelId(): string | null {
  const match = /^\/m\/([^/]+)\/?$/.exec(location.pathname);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

function notFound(id: string | null): void {
  document.title = 'No such model — Kindling';
  byId('model-name').textContent = 'No model with this id';
  setStatus(
    byId('model-status'),
    'not-found',
    id
      ? `No model with this id (${id}): it was never shared here, or it has been deleted. `
      : 'This address names no model. ',
    el('a', { href: '/' }, 'See the recent shared models'),
    '.',
  );
}

async function main(): Promise<void> {
  const id = modelId();
  if (!id) return notFound(null);
  let info: CheckpointInfo;
  try {
    info = await getCheckpoint(id);
  } catch (err) {
    if (err instanceof ApiRequestError && (err.status === 404 || err.status === 422)) return notFound(id);
    const message = err instanceof Error ? err.message : String(err);
    setStatus(byId('model-status'), 'error', `The model could not be loaded: ${message}`);
    return;
  }
  const name = info.name || info.id;
  document.title = `${name} — Kindling`;
  byId('model-name').textContent = name;
  setStatus(byId('model-status'), 'loaded', `A ${info.model.toUpperCase()} trained with Kindling · id ${info.id}`);
  byId('model-main').hidden = false;
  showFacts(byId('model-facts'), info);
  showShare(byId('model-share'), info, location.origin);
  await Promise.all([
    showParent(byId('model-parent'), info),
    showForks(byId('model-forks'), info),
    showLossCurves(byId('model-curves'), info.runId),
    new ModelGenerator(info).start(),
  ]);
}

void main();
