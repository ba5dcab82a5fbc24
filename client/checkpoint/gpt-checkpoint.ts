import { type GptConfig, validateGptConfig } from '../model/gpt-config';
import { gptParamLayout, type ParamLayout, paramView } from '../model/gpt-params';
import { type Tokenizer, tokenizerFromJSON } from '../text/tokenizer';
import { type NamedTensor, readSafetensorsHeader, writeSafetensors } from './safetensors';
import type { TensorInfo } from './safetensors-header';

/**
 * A GPT checkpoint is a safetensors file: one F32 tensor per parameter
 * (names from gpt-params.ts, shapes without padding), optionally the AdamW
 * moments as two flat tensors `optimizer.m` and `optimizer.v` (parameters
 * concatenated in layout order), and string metadata:
 *
 *   format          'kindling-gpt'        format_version  '1'
 *   config          GptConfig JSON        tokenizer       tokenizer JSON
 *   step            steps trained         train_loss, val_loss  numbers ('' if unknown)
 *   data            JSON { description, hash, bytes }   seed  the run's seed
 *   parent          the checkpoint this one was fine-tuned from ('' for none)
 *   training        JSON of the trainer's state for exact resume (optional)
 *   kernel_version  the WGSL kernel library version that trained it
 */

export const CHECKPOINT_FORMAT = 'kindling-gpt';
export const CHECKPOINT_FORMAT_VERSION = '1';

export type CheckpointErrorCode = 'not-safetensors' | 'wrong-format' | 'bad-metadata' | 'missing-tensor' | 'bad-tensor';

export class CheckpointError extends Error {
  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
  ) {
    super(`checkpoint: ${message}`);
    this.name = 'CheckpointError';
  }
}

export interface CheckpointData {
  description: string;
  /** SHA-256 hex of the training text's bytes. */
  hash: string;
  bytes: number;
}

export interface GptCheckpoint {
  config: GptConfig;
  tokenizer: Tokenizer;
  /** Flat parameters in the padded layout of gpt-params.ts. */
  params: Float32Array;
  step: number;
  trainLoss: number | null;
  valLoss: number | null;
  data: CheckpointData;
  seed: number;
  parent: string | null;
  kernelVersion: string;
  /** AdamW moments in the padded layout, when saved. */
  optimizer: { m: Float32Array; v: Float32Array } | null;
  /** The trainer's own resume state (schedule, rng, ...), opaque here. */
  training: unknown;
}

export function writeGptCheckpoint(ckpt: GptCheckpoint): Uint8Array {
  const layout = gptParamLayout(ckpt.config);
  if (ckpt.params.length !== layout.totalFloats) {
    throw new CheckpointError(
      'bad-tensor',
      `params hold ${ckpt.params.length} floats; the config needs ${layout.totalFloats}`,
    );
  }
  const tensors: NamedTensor[] = layout.tensors.map((t) => ({
    name: t.name,
    dtype: 'F32',
    shape: t.shape,
    data: paramView(ckpt.params, t),
  }));
  if (ckpt.optimizer) {
    const count = layout.parameterCount;
    tensors.push(
      { name: 'optimizer.m', dtype: 'F32', shape: [count], data: packed(layout, ckpt.optimizer.m) },
      { name: 'optimizer.v', dtype: 'F32', shape: [count], data: packed(layout, ckpt.optimizer.v) },
    );
  }
  const number = (x: number | null) => (x === null ? '' : String(x));
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    format_version: CHECKPOINT_FORMAT_VERSION,
    config: JSON.stringify(ckpt.config),
    tokenizer: JSON.stringify(ckpt.tokenizer.toJSON()),
    step: String(ckpt.step),
    train_loss: number(ckpt.trainLoss),
    val_loss: number(ckpt.valLoss),
    data: JSON.stringify(ckpt.data),
    seed: String(ckpt.seed),
    parent: ckpt.parent ?? '',
    kernel_version: ckpt.kernelVersion,
  };
  if (ckpt.training !== undefined && ckpt.training !== null) metadata.training = JSON.stringify(ckpt.training);
  return writeSafetensors(tensors, metadata);
}

/** Everything a checkpoint says about itself, without its tensors' data. */
export type GptCheckpointInfo = Omit<GptCheckpoint, 'params' | 'optimizer'> & {
  /** Whether the AdamW moments are in the file. */
  hasOptimizer: boolean;
};

/**
 * Validates a GPT checkpoint's header, metadata and tensor shapes against its
 * config without copying any tensor: what a server checks before it stores a
 * file. Any inconsistency is a CheckpointError saying what.
 */
export function inspectGptCheckpoint(bytes: Uint8Array): GptCheckpointInfo {
  return inspect(bytes).info;
}

/** Reads and validates a GPT checkpoint; any inconsistency is a CheckpointError saying what. */
export function readGptCheckpoint(bytes: Uint8Array): GptCheckpoint {
  const { info, layout, tensors, dataStart } = inspect(bytes);
  const floats = (name: string) => {
    const t = tensors.get(name) as TensorInfo;
    const data = new Float32Array((t.end - t.begin) / 4);
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + t.begin, dataStart + t.end));
    return data;
  };
  const params = new Float32Array(layout.totalFloats);
  for (const t of layout.tensors) params.set(floats(t.name), t.offset);
  const optimizer = info.hasOptimizer
    ? { m: unpacked(layout, floats('optimizer.m')), v: unpacked(layout, floats('optimizer.v')) }
    : null;
  const { hasOptimizer: _, ...rest } = info;
  return { ...rest, params, optimizer };
}

function inspect(bytes: Uint8Array) {
  let file: ReturnType<typeof readSafetensorsHeader>;
  try {
    file = readSafetensorsHeader(bytes);
  } catch (err) {
    throw new CheckpointError('not-safetensors', (err as Error).message);
  }
  const meta = file.header.metadata;
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(
      'wrong-format',
      `metadata.format is ${JSON.stringify(meta.format)}, not "${CHECKPOINT_FORMAT}"`,
    );
  }
  if (meta.format_version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      'wrong-format',
      `format_version ${JSON.stringify(meta.format_version)} is not supported (this build reads ${CHECKPOINT_FORMAT_VERSION})`,
    );
  }
  const config = parseMeta(meta, 'config', (json) => validateGptConfig(checkConfigShape(json)));
  const tokenizer = parseMeta(meta, 'tokenizer', (json) => tokenizerFromJSON(json));
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new CheckpointError(
      'bad-metadata',
      `tokenizer has ${tokenizer.vocabSize} tokens but config.vocabSize is ${config.vocabSize}`,
    );
  }
  const data = parseMeta(meta, 'data', checkData);
  const training = meta.training === undefined ? null : parseMeta(meta, 'training', (json) => json);

  const layout = gptParamLayout(config);
  const tensors = new Map(file.header.tensors.map((t) => [t.name, t]));
  const expected = new Set(layout.tensors.map((t) => t.name));
  for (const t of layout.tensors) {
    const found = tensors.get(t.name);
    if (!found) throw new CheckpointError('missing-tensor', `tensor '${t.name}' is missing`);
    checkTensor(t.name, found, t.shape);
  }
  const m = tensors.get('optimizer.m');
  const v = tensors.get('optimizer.v');
  if (m || v) {
    if (!m || !v) throw new CheckpointError('missing-tensor', 'optimizer state needs both optimizer.m and optimizer.v');
    checkTensor('optimizer.m', m, [layout.parameterCount]);
    checkTensor('optimizer.v', v, [layout.parameterCount]);
  }
  const unknown = [...tensors.keys()].filter((n) => !expected.has(n) && n !== 'optimizer.m' && n !== 'optimizer.v');
  if (unknown.length > 0) throw new CheckpointError('bad-tensor', `unexpected tensors: ${unknown.join(', ')}`);

  const info: GptCheckpointInfo = {
    config,
    tokenizer,
    step: integerMeta(meta, 'step'),
    trainLoss: optionalNumberMeta(meta, 'train_loss'),
    valLoss: optionalNumberMeta(meta, 'val_loss'),
    data,
    seed: integerMeta(meta, 'seed'),
    parent: meta.parent ? meta.parent : null,
    kernelVersion: meta.kernel_version ?? '',
    hasOptimizer: m !== undefined,
    training,
  };
  return { info, layout, tensors, dataStart: file.dataStart };
}

function checkTensor(name: string, t: { dtype: string; shape: number[] }, shape: number[]): void {
  if (t.dtype !== 'F32') throw new CheckpointError('bad-tensor', `tensor '${name}' is ${t.dtype}; expected F32`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new CheckpointError(
      'bad-tensor',
      `tensor '${name}' has shape [${t.shape.join(', ')}]; the config needs [${shape.join(', ')}]`,
    );
  }
}

function parseMeta<T>(meta: Record<string, string>, key: string, check: (json: unknown) => T): T {
  const text = meta[key];
  if (text === undefined) throw new CheckpointError('bad-metadata', `metadata.${key} is missing`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckpointError('bad-metadata', `metadata.${key} is not valid JSON`);
  }
  try {
    return check(json);
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    throw new CheckpointError('bad-metadata', `metadata.${key}: ${(err as Error).message}`);
  }
}

function checkConfigShape(json: unknown): GptConfig {
  if (typeof json !== 'object' || json === null) throw new Error('must be an object');
  const o = json as Record<string, unknown>;
  const fields = ['vocabSize', 'contextLength', 'layers', 'heads', 'channels'] as const;
  for (const f of fields) if (typeof o[f] !== 'number') throw new Error(`${f} must be a number`);
  return {
    vocabSize: o.vocabSize as number,
    contextLength: o.contextLength as number,
    layers: o.layers as number,
    heads: o.heads as number,
    channels: o.channels as number,
  };
}

function checkData(json: unknown): CheckpointData {
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (typeof o.description !== 'string' || typeof o.hash !== 'string' || typeof o.bytes !== 'number') {
    throw new Error('must be { description: string, hash: string, bytes: number }');
  }
  return { description: o.description, hash: o.hash, bytes: o.bytes };
}

function integerMeta(meta: Record<string, string>, key: string): number {
  const value = Number(meta[key]);
  if (meta[key] === undefined || meta[key] === '' || !Number.isSafeInteger(value) || value < 0) {
    throw new CheckpointError(
      'bad-metadata',
      `metadata.${key} must be a non-negative integer (got ${JSON.stringify(meta[key])})`,
    );
  }
  return value;
}

function optionalNumberMeta(meta: Record<string, string>, key: string): number | null {
  const text = meta[key];
  if (text === undefined || text === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new CheckpointError('bad-metadata', `metadata.${key} is not a number: ${JSON.stringify(text)}`);
  return value;
}

/** Padded layout -> parameters back to back (what the optimizer tensors store). */
function packed(layout: ParamLayout, flat: Float32Array): Float32Array {
  if (flat.length !== layout.totalFloats)
    throw new CheckpointError('bad-tensor', 'optimizer state has the wrong length');
  const out = new Float32Array(layout.parameterCount);
  let at = 0;
  for (const t of layout.tensors) {
    out.set(paramView(flat, t), at);
    at += t.size;
  }
  return out;
}

function unpacked(layout: ParamLayout, data: Float32Array): Float32Array {
  const flat = new Float32Array(layout.totalFloats);
  let at = 0;
  for (const t of layout.tensors) {
    flat.set(data.subarray(at, at + t.size), t.offset);
    at += t.size;
  }
  return flat;
}
