import { type GptCheckpoint, writeGptCheckpoint } from '../../client/checkpoint/gpt-checkpoint';
import { gptPreset } from '../../client/model/gpt-config';
import { gptParamLayout, initGptParams } from '../../client/model/gpt-params';
import { ByteTokenizer } from '../../client/text/byte-tokenizer';

/** Checkpoint files for the Worker tests: a valid tiny GPT, and ways to break one. */

export function tinyCheckpoint(overrides: Partial<GptCheckpoint> = {}): Uint8Array {
  const config = gptPreset('tiny', 256);
  return writeGptCheckpoint({
    config,
    tokenizer: new ByteTokenizer(),
    params: initGptParams(gptParamLayout(config), 7),
    step: 120,
    trainLoss: 2.5,
    valLoss: 2.75,
    data: { description: 'names', hash: 'ab'.repeat(32), bytes: 59167 },
    seed: 1,
    parent: null,
    kernelVersion: '1',
    optimizer: null,
    training: null,
    ...overrides,
  });
}

/** The header JSON of a safetensors file, and its data section. */
export function splitFile(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
  return { header, data: bytes.subarray(8 + length) };
}

/** A file from a (possibly edited) header and data section; `headerText` replaces the JSON verbatim. */
export function joinFile(
  header: Record<string, unknown> | string,
  data: Uint8Array,
  declaredLength?: bigint,
): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const file = new Uint8Array(8 + json.length + data.length);
  new DataView(file.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  file.set(json, 8);
  file.set(data, 8 + json.length);
  return file;
}

/** The same file with one tensor entry of its header changed. */
export function withTensor(
  bytes: Uint8Array,
  name: string,
  change: (entry: Record<string, unknown>) => void,
): Uint8Array {
  const { header, data } = splitFile(bytes);
  change(header[name] as Record<string, unknown>);
  return joinFile(header, data);
}
