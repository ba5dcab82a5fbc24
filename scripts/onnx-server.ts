import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'hono';
import * as ort from 'onnxruntime-node';
import { readGptCheckpoint } from '../client/checkpoint/gpt-checkpoint';
import { exportGptOnnx } from '../client/onnx/gpt-onnx';
import { ortLastLogits } from '../client/onnx/ort-logits';
import { ApiError } from '../functions/errors';
import { completionApp } from '../functions/inference/completion-app';
import type { LoadedModel } from '../functions/inference/run-completion';
import { ID_PATTERN } from '../functions/storage/ids';

/**
 * The inference upstream in Node (`npm run serve:onnx`): the Worker's own
 * completion app (same API, errors and event streams) over onnxruntime-node.
 * Checkpoints come by id from a Kindling API (`/api/checkpoints/:id/file`)
 * or from a folder of `<id>.safetensors` files.
 */

export type CheckpointSource = { api: string } | { dir: string };

/** The checkpoint file's bytes for an id, or ApiError 404. */
async function fetchCheckpoint(source: CheckpointSource, id: string): Promise<Uint8Array> {
  if (!ID_PATTERN.test(id)) throw new ApiError(404, 'not_found', `No checkpoint ${id}`);
  if ('dir' in source) {
    try {
      return new Uint8Array(await readFile(join(source.dir, `${id}.safetensors`)));
    } catch {
      throw new ApiError(404, 'not_found', `No checkpoint ${id} in ${source.dir}`);
    }
  }
  const response = await fetch(new URL(`/api/checkpoints/${id}/file`, source.api));
  if (response.status === 404) throw new ApiError(404, 'not_found', `No checkpoint ${id}`);
  if (!response.ok) throw new ApiError(502, 'upstream_error', `${source.api} answered ${response.status} for ${id}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function load(source: CheckpointSource, id: string): Promise<LoadedModel> {
  const checkpoint = readGptCheckpoint(await fetchCheckpoint(source, id));
  const session = await ort.InferenceSession.create(exportGptOnnx(checkpoint.config, checkpoint.params));
  const { config, tokenizer } = checkpoint;
  const lastLogits = ortLastLogits(session, ort.Tensor, config.vocabSize);
  return { config, tokenizer, model: { vocabSize: config.vocabSize, contextLength: config.contextLength, lastLogits } };
}

/** The completion app over `source`, with one session per checkpoint id kept for the process's life. */
export function onnxServerApp(source: CheckpointSource) {
  const sessions = new Map<string, Promise<LoadedModel>>();
  return completionApp(async (_c: Context, id: string) => {
    let loading = sessions.get(id);
    if (!loading) {
      loading = load(source, id);
      sessions.set(id, loading);
      loading.catch(() => sessions.delete(id));
    }
    return loading;
  });
}
