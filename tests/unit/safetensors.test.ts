import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from '../../client/checkpoint/json-duplicate-keys';
import { readSafetensors, writeSafetensors } from '../../client/checkpoint/safetensors';
import { SafetensorsError } from '../../client/checkpoint/safetensors-error';

const ascii = (text: string) => Array.from(new TextEncoder().encode(text));

/** A file from raw parts: the u64 header length as given, the header bytes, the data bytes. */
function rawFile(headerLength: number | bigint, header: number[], data: number[]): Uint8Array {
  const file = new Uint8Array(8 + header.length + data.length);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerLength), true);
  file.set(header, 8);
  file.set(data, 8 + header.length);
  return file;
}

/** A file whose header is `header` (a JSON text or a value to stringify), followed by `dataLength` zero bytes. */
function fileWith(header: unknown, dataLength = 0): Uint8Array {
  const json = ascii(typeof header === 'string' ? header : JSON.stringify(header));
  return rawFile(json.length, json, new Array(dataLength).fill(0));
}

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

function refusal(bytes: Uint8Array): SafetensorsError {
  try {
    readSafetensors(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    return error as SafetensorsError;
  }
  throw new Error('the file was accepted');
}

describe('writeSafetensors / readSafetensors', () => {
  it('writes byte for byte the file built by hand from the spec', () => {
    const header =
      '{"__metadata__":{"step":"3"},' +
      '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"b":{"dtype":"U32","shape":[1,1],"data_offsets":[8,12]}}';
    expect(header).toHaveLength(138); // padded with 6 spaces to 144 = 0x90
    const golden = [
      ...[0x90, 0, 0, 0, 0, 0, 0, 0],
      ...ascii(header),
      ...ascii('      '),
      ...[0x00, 0x00, 0x80, 0x3f], // 1.0f
      ...[0x00, 0x00, 0x00, 0xc0], // -2.0f
      ...[0x07, 0x00, 0x00, 0x00], // 7u
    ];
    const file = writeSafetensors(
      [
        { name: 'a', dtype: 'F32', shape: [2], data: Float32Array.of(1, -2) },
        { name: 'b', dtype: 'U32', shape: [1, 1], data: Uint32Array.of(7) },
      ],
      { step: '3' },
    );
    expect(Array.from(file)).toEqual(golden);
    const read = readSafetensors(Uint8Array.from(golden));
    expect(read.metadata).toEqual({ step: '3' });
    expect(read.tensors.get('a')).toEqual({ dtype: 'F32', shape: [2], data: Float32Array.of(1, -2) });
    expect(read.tensors.get('b')).toEqual({ dtype: 'U32', shape: [1, 1], data: Uint32Array.of(7) });
  });

  it('round-trips every dtype, empty tensors, odd names and order, from an unaligned view', () => {
    const tensors = [
      {
        name: 'wte',
        dtype: 'F32' as const,
        shape: [3, 2],
        data: Float32Array.of(0.1, -0, Number.NaN, 1e-38, 3e38, -1),
      },
      { name: '0', dtype: 'I32' as const, shape: [3], data: Int32Array.of(-2147483648, 0, 2147483647) },
      { name: 'empty', dtype: 'F32' as const, shape: [0, 4], data: new Float32Array(0) },
      { name: 'steps "quoted" ✓', dtype: 'U32' as const, shape: [], data: Uint32Array.of(4294967295) },
    ];
    const metadata = { config: JSON.stringify({ n_layer: 2 }), tokenizer: '{"kind":"byte","vocabSize":256}' };
    const file = writeSafetensors(tensors, metadata);
    expect(new DataView(file.buffer).getUint32(0, true) % 8).toBe(0);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1); // every tensor now sits at an odd address
    const read = readSafetensors(shifted.subarray(1));
    expect(read.metadata).toEqual(metadata);
    expect([...read.tensors.keys()]).toEqual(tensors.map((t) => t.name));
    for (const t of tensors) expect(read.tensors.get(t.name)).toEqual({ dtype: t.dtype, shape: t.shape, data: t.data });
  });

  it('reads a file whose writer did not pad the header (data not 4-aligned)', () => {
    const header = ascii(JSON.stringify({ x: f32([1], 0, 4) }));
    expect(header.length % 4).not.toBe(0);
    const read = readSafetensors(rawFile(header.length, header, [0x00, 0x00, 0x40, 0x40]));
    expect(read.tensors.get('x')?.data).toEqual(Float32Array.of(3));
    expect(read.metadata).toEqual({});
  });

  it('refuses to write inconsistent tensors', () => {
    const ok = { name: 'a', dtype: 'F32' as const, shape: [2], data: new Float32Array(2) };
    expect(() => writeSafetensors([ok, ok])).toThrow('names must be non-empty, unique');
    expect(() => writeSafetensors([{ ...ok, name: '__metadata__' }])).toThrow(SafetensorsError);
    expect(() => writeSafetensors([{ ...ok, shape: [3] }])).toThrow('shape [3] has 3 elements, data has 2');
    expect(() => writeSafetensors([{ ...ok, dtype: 'U32' }])).toThrow('U32 data must be a Uint32Array');
    expect(() => writeSafetensors([{ ...ok, shape: [-2] }])).toThrow('non-negative integers');
    expect(() => writeSafetensors([ok], { step: 3 as unknown as string })).toThrow('metadata["step"] must be a string');
  });
});

describe('readSafetensors refuses corrupt files with a reason', () => {
  const cases: [string, Uint8Array, string, string][] = [
    ['a file under 8 bytes', new Uint8Array(7), 'too-short', 'file is 7 bytes'],
    ['an absurd header length', rawFile(100_000_001, [], []), 'header-too-large', 'over the 100000000-byte limit'],
    [
      'a header length near 2^64',
      rawFile(2n ** 64n - 1n, [], []),
      'header-too-large',
      'header length 18446744073709551615',
    ],
    [
      'a header past the end',
      rawFile(100, ascii('{}'), []),
      'header-out-of-bounds',
      'runs past the end of the file (10 bytes)',
    ],
    ['a header that is not UTF-8', rawFile(3, [0x7b, 0xff, 0x7d], []), 'header-not-utf8', 'byte offset 1'],
    ['a header that is not JSON', fileWith('{"a":'), 'header-not-json', 'header is not JSON'],
    ['a header that is an array', fileWith([1, 2]), 'header-not-object', 'must be an object'],
    ['a header that is null', fileWith('null'), 'header-not-object', 'must be an object'],
    ['metadata not an object', fileWith({ __metadata__: ['x'] }), 'bad-metadata', '__metadata__ must be an object'],
    [
      'a metadata value not a string',
      fileWith({ __metadata__: { step: 3 } }),
      'bad-metadata',
      '__metadata__["step"] must be a string, got 3',
    ],
    ['a tensor entry not an object', fileWith({ a: 5 }), 'bad-tensor', 'tensor "a" must be an object'],
    [
      'an unknown dtype',
      fileWith({ a: { ...f32([1], 0, 2), dtype: 'F16' } }, 2),
      'unknown-dtype',
      'dtype "F16" is not supported (supported: F32, I32, U32)',
    ],
    ['a negative dimension', fileWith({ a: f32([-1], 0, 0) }), 'bad-shape', 'got [-1]'],
    ['a fractional dimension', fileWith({ a: f32([1.5], 0, 6) }, 6), 'bad-shape', 'got [1.5]'],
    ['a shape not an array', fileWith({ a: { ...f32([1], 0, 4), shape: '4' } }, 4), 'bad-shape', 'got "4"'],
    ['one offset', fileWith({ a: { ...f32([1], 0, 4), data_offsets: [0] } }, 4), 'bad-offsets', 'got [0]'],
    ['a negative offset', fileWith({ a: f32([1], -4, 0) }, 4), 'bad-offsets', 'got [-4,0]'],
    [
      'string offsets',
      fileWith({ a: { ...f32([1], 0, 4), data_offsets: ['0', '4'] } }, 4),
      'bad-offsets',
      'got ["0","4"]',
    ],
    ['fractional offsets', fileWith({ a: f32([1], 0.5, 4.5) }, 5), 'bad-offsets', 'got [0.5,4.5]'],
    ['offsets that end before they begin', fileWith({ a: f32([0], 4, 0) }, 4), 'bad-offsets', 'end before they begin'],
    [
      'offsets past the data',
      fileWith({ a: f32([2], 0, 8) }, 4),
      'offsets-out-of-bounds',
      'run past the data section (4 bytes)',
    ],
    [
      'a size not matching the shape',
      fileWith({ a: f32([2], 0, 4) }, 4),
      'size-mismatch',
      'F32 [2] needs 8 bytes, data_offsets give 4',
    ],
    [
      'overlapping tensors',
      fileWith({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12),
      'overlapping',
      'tensors "a" and "b" overlap at byte 4',
    ],
    [
      'a gap before a tensor',
      fileWith({ a: f32([1], 4, 8) }, 8),
      'data-not-covered',
      'data bytes [0, 4) belong to no tensor',
    ],
    [
      'bytes after the last tensor',
      fileWith({ a: f32([1], 0, 4) }, 8),
      'data-not-covered',
      'data bytes [4, 8) belong to no tensor',
    ],
    [
      'a duplicate tensor name',
      fileWith(`{"a":${JSON.stringify(f32([1], 0, 4))},"a":${JSON.stringify(f32([1], 0, 4))}}`, 4),
      'duplicate-name',
      'the name "a" more than once',
    ],
    ['a duplicate metadata key', fileWith('{"__metadata__":{"k":"1","k":"2"}}'), 'duplicate-name', 'the name "k"'],
  ];
  for (const [what, bytes, code, message] of cases) {
    it(`${what} (${code})`, () => {
      const error = refusal(bytes);
      expect(error.code).toBe(code);
      expect(error.message).toContain(message);
    });
  }
});

describe('findDuplicateKey', () => {
  it('finds a key repeated within one object, not across objects or inside strings', () => {
    expect(findDuplicateKey('{"a":{"x":1},"b":{"x":2}}')).toBeUndefined();
    expect(findDuplicateKey('{"a":"\\"a\\":","b":["a","a"]}')).toBeUndefined();
    expect(findDuplicateKey('{"a":1, "b":{"c":[{"d":1,"d" :2}]}}')).toBe('d');
    expect(findDuplicateKey('{"\\u0061":1,"a":2}')).toBe('a');
  });
});
