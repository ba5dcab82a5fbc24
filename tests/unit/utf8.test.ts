import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, firstInvalidUtf8Offset, InvalidUtf8Error, Utf8StreamDecoder } from '../../client/text/utf8';

const utf8 = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: number[][]) => Uint8Array.from(parts.flat());

describe('decodeUtf8Strict', () => {
  it('decodes valid text in any script, keeping a leading BOM as U+FEFF', () => {
    const text = 'héllo 人工智能 🐋\n';
    expect(decodeUtf8Strict(utf8(text))).toBe(text);
    expect(decodeUtf8Strict(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe('\uFEFFa');
  });

  it('refuses invalid bytes, naming the offset of the first bad sequence', () => {
    const bad = concat([...utf8('abc人')], [0xff], [...utf8('x')]); // 3 + 3 bytes, then 0xff
    expect(() => decodeUtf8Strict(bad)).toThrow(InvalidUtf8Error);
    expect(() => decodeUtf8Strict(bad)).toThrow('byte offset 6');
  });

  it('finds the offset of the first invalid sequence, past genuine U+FFFD characters', () => {
    expect(firstInvalidUtf8Offset(utf8('fine � too'))).toBe(-1);
    expect(firstInvalidUtf8Offset(concat([...utf8('a\uFFFDb')], [0xc3]))).toBe(5); // truncated é at the end
    expect(firstInvalidUtf8Offset(concat([...utf8('ab')], [0xe4, 0xba], [...utf8('cd')]))).toBe(2); // cut 人
    expect(firstInvalidUtf8Offset(concat([0xed, 0xa0, 0x80]))).toBe(0); // encoded surrogate
    expect(firstInvalidUtf8Offset(concat([...utf8('🐋')], [0xc0, 0x80]))).toBe(4); // overlong NUL
  });
});

describe('Utf8StreamDecoder', () => {
  it('holds back a character split across chunks until it is complete', () => {
    const decoder = new Utf8StreamDecoder();
    const whale = [...utf8('🐋')]; // 4 bytes
    expect(decoder.push(Uint8Array.of(0x61, ...whale.slice(0, 1)))).toBe('a');
    expect(decoder.push(Uint8Array.from(whale.slice(1, 3)))).toBe('');
    expect(decoder.push(Uint8Array.from(whale.slice(3)))).toBe('🐋');
    expect(decoder.end()).toBe('');
  });

  it('shows invalid bytes as U+FFFD and flushes an unfinished character as U+FFFD at the end', () => {
    const decoder = new Utf8StreamDecoder();
    expect(decoder.push(Uint8Array.of(0x61, 0xff, 0x62))).toBe('a\uFFFDb');
    expect(decoder.push(Uint8Array.of(0xe4, 0xba))).toBe('');
    expect(decoder.end()).toBe('\uFFFD');
    expect(decoder.push(utf8('again'))).toBe('again'); // reusable after end()
  });
});
