import { inspectGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { ortLastLogits } from '../../client/onnx/ort-logits';
import type { Bindings } from '../bindings';
import { onnxExport } from '../checkpoints/onnx-export';
import type { CheckpointRow } from '../db/schema';
import { ApiError } from '../errors';
import { readCheckpointBytes } from '../storage/checkpoints';
import type { LoadedModel } from './run-completion';

/**
 * ONNX sessions of shared checkpoints, kept per isolate: the first request
 * for a checkpoint builds (or fetches from R2) its export and compiles a
 * session; later ones reuse it. Keyed by the file's hash, a few at a time.
 */

const MAX_SESSIONS = 4;
const sessions = new Map<string, Promise<LoadedModel>>();

export function loadModel(env: Pick<Bindings, 'DB' | 'CHECKPOINTS'>, row: CheckpointRow): Promise<LoadedModel> {
  const cached = sessions.get(row.sha256);
  if (cached) {
    // Most recently used goes last; the first entry is the one evicted.
    sessions.delete(row.sha256);
    sessions.set(row.sha256, cached);
    return cached;
  }
  const loading = build(env, row);
  sessions.set(row.sha256, loading);
  loading.catch(() => sessions.delete(row.sha256));
  while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
  return loading;
}

async function build(env: Pick<Bindings, 'DB' | 'CHECKPOINTS'>, row: CheckpointRow): Promise<LoadedModel> {
  const bytes = await readCheckpointBytes(env, row.sha256);
  if (!bytes) throw new ApiError(404, 'not_found', 'The checkpoint file is missing from storage');
  const { config, tokenizer } = inspectGptCheckpoint(bytes);
  const onnx = await onnxExport(env, row, bytes);
  const { ort, createSession } = await import('./ort-runtime');
  const session = await createSession(onnx);
  const lastLogits = ortLastLogits(session, ort.Tensor, config.vocabSize);
  return { config, tokenizer, model: { vocabSize: config.vocabSize, contextLength: config.contextLength, lastLogits } };
}
