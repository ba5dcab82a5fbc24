/**
 * The safetensors file format (Hugging Face), written and read here:
 *   [8 bytes]  N, the header length, u64 little-endian
 *   [N bytes]  the header: UTF-8 JSON, padded with spaces so N % 8 == 0
 *   [rest]     the tensors' raw little-endian bytes, back to back
 * See safetensors-header.ts for the header's fields and their checks.
 */
import { decodeUtf8Strict } from '../text/utf8';
import { SafetensorsError } from './safetensors-error';
import { DTYPES, type Dtype, type Header, isDtype, parseHeader, shapeSize } from './safetensors-header';

export type { Dtype } from './safetensors-header';
export type TensorData = Float32Array | Int32Array | Uint32Array;

export interface NamedTensor {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** product(shape) elements, of dtype's array type */
  data: TensorData;
}

export interface Safetensors {
  metadata: Record<string, string>;
  /** In the order of their data in the file */
  tensors: Map<string, { dtype: Dtype; shape: number[]; data: TensorData }>;
}

/** Headers past this are refused rather than parsed (the Rust reader uses the same limit). */
export const MAX_HEADER_BYTES = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function checkLittleEndian(): void {
  if (!LITTLE_ENDIAN) {
    throw new SafetensorsError('big-endian', 'this machine is big-endian; safetensors data is little-endian');
  }
}

/** A safetensors file holding `tensors` in the given order, and `metadata`. */
export function writeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  checkLittleEndian();
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new SafetensorsError('bad-metadata', `metadata["${key}"] must be a string`);
  }
  // The header is assembled entry by entry so its key order is exactly ours
  // (a JS object would move integer-like names such as "0" to the front).
  const entries = [`"__metadata__":${JSON.stringify(metadata)}`];
  const names = new Set<string>(['__metadata__']);
  let offset = 0;
  for (const t of tensors) {
    checkTensor(t, names);
    names.add(t.name);
    const info = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    entries.push(`${JSON.stringify(t.name)}:${JSON.stringify(info)}`);
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;

  const file = new Uint8Array(8 + headerLength + offset);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerLength), true);
  file.set(json, 8);
  file.fill(0x20, 8 + json.length, 8 + headerLength); // space padding
  let at = 8 + headerLength;
  for (const t of tensors) {
    file.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return file;
}

function checkTensor(t: NamedTensor, names: Set<string>): void {
  const fail = (why: string) => new SafetensorsError('bad-tensor', `tensor "${t.name}": ${why}`);
  if (t.name === '' || names.has(t.name)) throw fail('names must be non-empty, unique and not "__metadata__"');
  if (!isDtype(t.dtype)) throw new SafetensorsError('unknown-dtype', `tensor "${t.name}": unknown dtype ${t.dtype}`);
  if (!(t.data instanceof DTYPES[t.dtype].array)) throw fail(`${t.dtype} data must be a ${DTYPES[t.dtype].array.name}`);
  const size = shapeSize(t.shape, t.name);
  if (size !== t.data.length)
    throw fail(`shape ${JSON.stringify(t.shape)} has ${size} elements, data has ${t.data.length}`);
}

/** Where a file's data section starts, and its parsed, fully checked header (no tensor is copied). */
export function readSafetensorsHeader(bytes: Uint8Array): { header: Header; dataStart: number } {
  checkLittleEndian();
  if (bytes.length < 8) {
    throw new SafetensorsError('too-short', `file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      'header-too-large',
      `header length ${headerLength} is over the ${MAX_HEADER_BYTES}-byte limit`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  if (dataStart > bytes.length) {
    throw new SafetensorsError(
      'header-out-of-bounds',
      `header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`,
    );
  }
  let json: string;
  try {
    json = decodeUtf8Strict(bytes.subarray(8, dataStart));
  } catch (error) {
    throw new SafetensorsError('header-not-utf8', `header is not UTF-8 (${(error as Error).message})`);
  }
  return { header: parseHeader(json, bytes.length - dataStart), dataStart };
}

/** Reads a safetensors file, checking all of it; tensor data is copied into fresh, aligned arrays. */
export function readSafetensors(bytes: Uint8Array): Safetensors {
  const { header, dataStart } = readSafetensorsHeader(bytes);
  const tensors: Safetensors['tensors'] = new Map();
  for (const { name, dtype, shape, begin, end } of header.tensors) {
    // The data may sit at any byte offset: copy into a new, aligned array.
    const data = new DTYPES[dtype].array((end - begin) / DTYPES[dtype].bytes);
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { dtype, shape, data });
  }
  return { metadata: header.metadata, tensors };
}
