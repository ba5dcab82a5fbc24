import { CheckpointError, type GptCheckpointInfo, inspectGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { sha256Hex } from '../../client/data/sha256';
import type { Bindings } from '../bindings';
import type { CheckpointRow } from '../db/schema';
import { ApiError } from '../errors';
import { findCheckpointBySha256, getCheckpoint, insertCheckpoint, putCheckpointFile } from '../storage/checkpoints';
import { hashToken, randomId, randomToken } from '../storage/ids';
import { getRun } from '../storage/runs';

/**
 * Taking in a checkpoint file, whichever way it arrived (one body or a
 * multipart upload): validate all of it, store the bytes under their hash,
 * then write the row. Nothing is stored for a file that fails a check.
 */

export interface IntakeOptions {
  /** Shown on the model page; defaults to "<data> · step <n>". */
  name?: string | undefined;
  /** An existing checkpoint id; defaults to the checkpoint whose bytes the file names as its parent. */
  parent?: string | undefined;
  /** The training run (an id from POST /api/runs). */
  run?: string | undefined;
}

export interface CreatedCheckpoint {
  id: string;
  /** The checkpoint's API address (metadata). */
  url: string;
  /** Shown once: DELETE /api/checkpoints/:id with Authorization: Bearer <deleteToken>. */
  deleteToken: string;
  sha256: string;
  size: number;
}

type Env = Pick<Bindings, 'DB' | 'CHECKPOINTS'>;

export async function takeCheckpoint(
  env: Env,
  bytes: Uint8Array,
  options: IntakeOptions,
  origin: string,
): Promise<CreatedCheckpoint> {
  const info = inspect(bytes);
  const sha256 = await sha256Hex(bytes);
  const parentId = await resolveParent(env, info, options.parent);
  if (options.run !== undefined && !(await getRun(env, options.run))) {
    throw new ApiError(422, 'unknown_run', `run ${JSON.stringify(options.run)} does not exist`);
  }
  const deleteToken = randomToken();
  await putCheckpointFile(env, sha256, bytes);
  const row = await insertCheckpoint(env, {
    id: randomId(),
    name: options.name?.trim() || `${info.data.description} · step ${info.step}`,
    model: 'gpt',
    config: JSON.stringify(info.config),
    parentId,
    runId: options.run ?? null,
    size: bytes.length,
    sha256,
    step: info.step,
    trainLoss: info.trainLoss,
    valLoss: info.valLoss,
    dataset: info.data.description,
    tokenizer: info.tokenizer.kind,
    deleteTokenHash: await hashToken(deleteToken),
  });
  return { id: row.id, url: `${origin}/api/checkpoints/${row.id}`, deleteToken, sha256, size: row.size };
}

/** The row as the API shows it: config parsed, no token hash, and where its files are. */
export function publicCheckpoint(row: CheckpointRow, origin: string) {
  const { deleteTokenHash: _, config, ...rest } = row;
  const base = `${origin}/api/checkpoints/${row.id}`;
  return { ...rest, config: JSON.parse(config) as unknown, fileUrl: `${base}/file`, onnxUrl: `${base}/model.onnx` };
}

function inspect(bytes: Uint8Array): GptCheckpointInfo {
  try {
    return inspectGptCheckpoint(bytes);
  } catch (err) {
    if (err instanceof CheckpointError) throw new ApiError(422, 'invalid_checkpoint', err.message);
    throw err;
  }
}

async function resolveParent(env: Env, info: GptCheckpointInfo, parent: string | undefined): Promise<string | null> {
  if (parent !== undefined) {
    if (!(await getCheckpoint(env, parent))) {
      throw new ApiError(422, 'unknown_parent', `parent checkpoint ${JSON.stringify(parent)} does not exist`);
    }
    return parent;
  }
  // Trainers record the parent file as "sha256:<hex>"; link it when that file was shared here.
  const match = /^sha256:([0-9a-f]{64})$/.exec(info.parent ?? '');
  if (!match?.[1]) return null;
  return (await findCheckpointBySha256(env, match[1]))?.id ?? null;
}
