/**
 * Share: uploads the run's weights (no optimizer state: a third of the download) to the
 * site, linked to the run's metrics, and shows the model page's link —
 * copied to the clipboard when the browser allows — and the delete token,
 * which the API gives out only once.
 */
import { ApiRequestError, uploadCheckpoint } from '../api';
import { byId, el, setStatus } from './dom';

export interface ShareRequest {
  bytes: Uint8Array;
  /** At most 100 characters (the API's limit). */
  name: string;
  /** The metrics run to link the checkpoint to, if metrics were sent. */
  runId: string | null;
}

/** A refusal or a failure in words that say what to do. */
function shareErrorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) {
    if (err.status === 413) return `This checkpoint is too large for the site to take: ${err.message}`;
    if (err.status === 0) return 'Could not reach the site. Check the connection and press Share again.';
    return `The site refused the checkpoint (${err.status}): ${err.message}`;
  }
  return `Sharing failed: ${err instanceof Error ? err.message : String(err)}`;
}

export class SharePanel {
  private readonly button = byId('share') as HTMLButtonElement;
  private readonly result = byId('share-result');
  private readonly error = byId('share-error');
  private busy = false;
  private enabled = false;

  constructor(private readonly prepare: () => Promise<ShareRequest | null>) {
    this.button.addEventListener('click', () => void this.share());
  }

  /** Whether there is a checkpoint to share (the page's Download rule). */
  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.button.disabled = !enabled || this.busy;
  }

  /** A new run: the last run's link and token go. */
  clear(): void {
    this.result.hidden = true;
    this.result.replaceChildren();
    this.error.textContent = '';
  }

  private async share(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.setEnabled(this.enabled);
    this.error.textContent = '';
    const label = this.button.textContent;
    this.button.textContent = 'Sharing…';
    try {
      const request = await this.prepare();
      if (!request) return;
      const created = await uploadCheckpoint(request.bytes as Uint8Array<ArrayBuffer>, {
        name: request.name,
        run: request.runId ?? undefined,
      });
      await this.showLink(`${location.origin}/m/${created.id}`, created.id, created.deleteToken);
    } catch (err) {
      this.error.textContent = shareErrorMessage(err);
    } finally {
      this.busy = false;
      this.button.textContent = label;
      this.setEnabled(this.enabled);
    }
  }

  private async showLink(url: string, id: string, deleteToken: string): Promise<void> {
    let copied = false;
    try {
      // Some browsers leave the promise pending while they ask; the link does not wait for that.
      const refusedLater = new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), 2000));
      await Promise.race([navigator.clipboard.writeText(url), refusedLater]);
      copied = true;
    } catch {
      // Refused (no permission, no focus) or no clipboard: the link is on the page.
    }
    const link = el('a', { id: 'share-link', href: url }, url);
    this.result.dataset.checkpointId = id;
    setStatus(
      this.result,
      'ok',
      el('p', {}, 'Shared: ', link, copied ? ' (copied to the clipboard)' : ' — copy the link to pass it on.'),
      el(
        'p',
        { class: 'explain' },
        'Delete token: ',
        el('code', { id: 'share-delete-token' }, deleteToken),
        ' — keep it to delete this model later. It is shown only this once.',
      ),
    );
    this.result.hidden = false;
    link.focus();
  }
}
