/**
 * Parsing and validating a safetensors header. The header is JSON:
 *   { "__metadata__": { string: string },                     (optional)
 *     "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ... }
 * with offsets relative to the start of the data section. Everything is
 * checked before any tensor is read: a checkpoint is either fully valid or
 * refused with the reason.
 */
import { findDuplicateKey } from './json-duplicate-keys';
import { SafetensorsError } from './safetensors-error';

export const DTYPES = {
  F32: { bytes: 4, array: Float32Array },
  I32: { bytes: 4, array: Int32Array },
  U32: { bytes: 4, array: Uint32Array },
} as const;
export type Dtype = keyof typeof DTYPES;

export interface TensorInfo {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** [begin, end) in the data section */
  begin: number;
  end: number;
}

export interface Header {
  metadata: Record<string, string>;
  /** In data order (sorted by offset) */
  tensors: TensorInfo[];
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

export function isDtype(x: unknown): x is Dtype {
  return typeof x === 'string' && Object.hasOwn(DTYPES, x);
}

/** Number of elements of a shape, or throws 'bad-shape'. */
export function shapeSize(shape: unknown, name: string): number {
  if (!(Array.isArray(shape) && shape.every(isCount))) {
    throw new SafetensorsError(
      'bad-shape',
      `tensor "${name}": shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (!Number.isSafeInteger(size)) throw new SafetensorsError('bad-shape', `tensor "${name}": shape is too large`);
  return size;
}

/** Parses `json` (the header text) for a data section of `dataLength` bytes. */
export function parseHeader(json: string, dataLength: number): Header {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new SafetensorsError('header-not-json', `header is not JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw new SafetensorsError('header-not-object', 'header JSON must be an object');
  const duplicate = findDuplicateKey(json);
  if (duplicate !== undefined) {
    throw new SafetensorsError('duplicate-name', `header has the name "${duplicate}" more than once`);
  }

  const { __metadata__: metadata = {}, ...entries } = parsed;
  if (!isObject(metadata)) throw new SafetensorsError('bad-metadata', '__metadata__ must be an object');
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new SafetensorsError(
        'bad-metadata',
        `__metadata__["${key}"] must be a string, got ${JSON.stringify(value)}`,
      );
    }
  }

  const tensors = Object.entries(entries).map(([name, entry]) => tensorInfo(name, entry, dataLength));
  checkCoverage(tensors, dataLength);
  return { metadata: metadata as Record<string, string>, tensors };
}

function tensorInfo(name: string, entry: unknown, dataLength: number): TensorInfo {
  if (!isObject(entry)) {
    throw new SafetensorsError('bad-tensor', `tensor "${name}" must be an object with dtype, shape and data_offsets`);
  }
  const { dtype, shape, data_offsets: offsets } = entry;
  if (!isDtype(dtype)) {
    throw new SafetensorsError(
      'unknown-dtype',
      `tensor "${name}": dtype ${JSON.stringify(dtype)} is not supported (supported: ${Object.keys(DTYPES).join(', ')})`,
    );
  }
  const size = shapeSize(shape, name);
  if (!(Array.isArray(offsets) && offsets.length === 2 && isCount(offsets[0]) && isCount(offsets[1]))) {
    throw new SafetensorsError(
      'bad-offsets',
      `tensor "${name}": data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end)
    throw new SafetensorsError(
      'bad-offsets',
      `tensor "${name}": data_offsets [${begin}, ${end}] end before they begin`,
    );
  if (end > dataLength) {
    throw new SafetensorsError(
      'offsets-out-of-bounds',
      `tensor "${name}": data_offsets [${begin}, ${end}] run past the data section (${dataLength} bytes)`,
    );
  }
  const expected = size * DTYPES[dtype].bytes;
  if (end - begin !== expected) {
    throw new SafetensorsError(
      'size-mismatch',
      `tensor "${name}": ${dtype} ${JSON.stringify(shape)} needs ${expected} bytes, data_offsets give ${end - begin}`,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** Sorts `tensors` by offset and checks that they tile [0, dataLength) exactly. */
function checkCoverage(tensors: TensorInfo[], dataLength: number): void {
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous = '';
  for (const t of tensors) {
    if (t.begin < covered) {
      throw new SafetensorsError('overlapping', `tensors "${previous}" and "${t.name}" overlap at byte ${t.begin}`);
    }
    if (t.begin > covered) {
      throw new SafetensorsError('data-not-covered', `data bytes [${covered}, ${t.begin}) belong to no tensor`);
    }
    covered = t.end;
    previous = t.name;
  }
  if (covered !== dataLength) {
    throw new SafetensorsError('data-not-covered', `data bytes [${covered}, ${dataLength}) belong to no tensor`);
  }
}
