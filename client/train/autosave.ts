/**
 * The browser's autosave: one saved training run in IndexedDB, enough to
 * resume it exactly after a reload, a closed tab or a lost GPU device.
 *
 * Two records in one object store:
 *   'run'     SavedRun: the checkpoint bytes (with AdamW moments and the
 *             trainer's state), where the text came from, the page's options,
 *             the loss curve (bounded) and the metrics run's id, token and seq
 *   'corpus'  the uploaded text's bytes, written once per run (a 50 MB file
 *             is not rewritten at every save); bundled texts are not stored
 * Both are written in one transaction, so a save is never half a run.
 */
import type { BundledCorpusId } from '../data/bundled-corpora';
import type { LossHistoryData } from './loss-history';
import type { SavedMetrics } from './metrics-stream';

const DB_NAME = 'kindling';
const DB_VERSION = 1;
const STORE = 'autosave';

/** Where a run's text came from. */
export type SavedCorpus =
  | { kind: 'bundled'; id: BundledCorpusId }
  /** An uploaded file; its bytes are the 'corpus' record with this hash. */
  | { kind: 'file'; name: string; hash: string };

export interface SavedRun {
  /** A GPT checkpoint (safetensors) with optimizer state and training state. */
  checkpoint: Uint8Array;
  corpus: SavedCorpus;
  /** Steps completed and the total the run was set to, for the resume offer. */
  step: number;
  steps: number;
  /** What the run is, in words, e.g. 'tiny GPT on names'. */
  label: string;
  autosaveEvery: number;
  samplePrompt: string;
  /** Date.now() of the save. */
  savedAt: number;
  /** The loss curve up to `step`, for the chart (absent in saves from before it was kept). */
  history?: LossHistoryData;
  /** The metrics run this one streams to, to go on streaming there after a resume. */
  metrics?: SavedMetrics;
}

interface StoredCorpus {
  hash: string;
  bytes: Uint8Array;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

let opened: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  if (!opened) {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('this browser has no IndexedDB'));
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    opened = request(req);
    opened.catch(() => {
      opened = null;
    });
  }
  return opened;
}

/**
 * Saves `run`, replacing any earlier save. `corpusBytes` is needed for an
 * uploaded text the first time this run saves (and may be left out after).
 */
export async function saveRun(run: SavedRun, corpusBytes?: Uint8Array): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  store.put(run, 'run');
  if (run.corpus.kind === 'bundled') store.delete('corpus');
  else if (corpusBytes) store.put({ hash: run.corpus.hash, bytes: corpusBytes } satisfies StoredCorpus, 'corpus');
  await done(tx);
}

/** The saved run and, for an uploaded text, its bytes; null when nothing (usable) is saved. */
export async function loadRun(): Promise<{ run: SavedRun; corpusBytes: Uint8Array | null } | null> {
  const db = await openDb();
  const tx = db.transaction(STORE, 'readonly');
  const store = tx.objectStore(STORE);
  const [run, corpus] = await Promise.all([
    request(store.get('run')) as Promise<SavedRun | undefined>,
    request(store.get('corpus')) as Promise<StoredCorpus | undefined>,
  ]);
  if (!run || !(run.checkpoint instanceof Uint8Array)) return null;
  if (run.corpus.kind === 'bundled') return { run, corpusBytes: null };
  // An upload whose bytes are missing cannot be resumed: the run is unusable.
  if (!corpus || corpus.hash !== run.corpus.hash) return null;
  return { run, corpusBytes: corpus.bytes };
}

export async function discardRun(): Promise<void> {
  const db = await openDb();
  const tx = db.transaction(STORE, 'readwrite');
  tx.objectStore(STORE).clear();
  await done(tx);
}
