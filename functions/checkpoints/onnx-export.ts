import { readGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { exportGptOnnx } from '../../client/onnx/gpt-onnx';
import type { Bindings } from '../bindings';
import type { CheckpointRow } from '../db/schema';
import { ApiError } from '../errors';
import { getOnnxExport, putOnnxExport, readCheckpointBytes } from '../storage/checkpoints';

type Env = Pick<Bindings, 'DB' | 'CHECKPOINTS'>;

/**
 * The checkpoint's ONNX export: built from the safetensors by the same
 * exporter Node uses (client/onnx), then cached in R2 beside the file, keyed
 * by the file's hash (one export per distinct file).
 */
export async function onnxExport(env: Env, row: CheckpointRow, file?: Uint8Array): Promise<Uint8Array> {
  const cached = await getOnnxExport(env, row.sha256);
  if (cached) return new Uint8Array(await cached.arrayBuffer());
  const bytes = file ?? (await readCheckpointBytes(env, row.sha256));
  if (!bytes) throw new ApiError(404, 'not_found', 'The checkpoint file is missing from storage');
  const checkpoint = readGptCheckpoint(bytes);
  const onnx = exportGptOnnx(checkpoint.config, checkpoint.params);
  await putOnnxExport(env, row.sha256, onnx);
  return onnx;
}
