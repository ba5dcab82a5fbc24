import onnxProto from 'onnx-proto';
import * as ortNode from 'onnxruntime-node';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GptConfig, gptPreset } from '../../client/model/gpt-config';
import { GptCpuReference } from '../../client/model/gpt-cpu-reference';
import { gptParamLayout, initGptParams } from '../../client/model/gpt-params';
import { compareArrays, describeComparison } from '../../client/numerics/compare';
import { type CompletionModel, type CompletionOptions, complete, completionTokens } from '../../client/onnx/complete';
import { exportGptOnnx } from '../../client/onnx/gpt-onnx';
import { ONNX_OPSET } from '../../client/onnx/onnx-builder';
import { ortLastLogits } from '../../client/onnx/ort-logits';
import { trainBpe } from '../../client/text/bpe-training';
import { ByteTokenizer } from '../../client/text/byte-tokenizer';
import type { Tokenizer } from '../../client/text/tokenizer';
import { decodeUtf8Strict } from '../../client/text/utf8';

/**
 * The ONNX export run by onnxruntime-web's wasm backend (what the Worker
 * runs) against the float64 CPU reference: logits at every length, then
 * whole completions, greedy and seeded, token for token.
 */

ort.env.wasm.numThreads = 1;
// Errors are still thrown with ORT's message; this keeps the expected one (too-long input) off stderr.
ort.env.logLevel = 'fatal';

// f32 against f64. A logit is a sum of terms far larger than itself (C products, after
// layernorms that amplify), so its f32 error scales with the row's largest logits, not its own
// size: atol is a share of max |logit| (logits reach ~170 with the 20x weights below).
const ATOL_OF_MAX = 1e-5;
const RTOL = 1e-4;

/** Worst errors seen, per weight scale, printed at the end. */
const worst = new Map<number, { abs: number; ofMax: number }>();

interface Exported {
  config: GptConfig;
  params: Float32Array;
  scale: number;
  session: ort.InferenceSession;
  reference: GptCpuReference;
}

/** Random weights `scale` x GPT-2's init (20x: peaked, varied logits, so greedy picks are clear-cut). */
async function exported(config: GptConfig, seed: number, scale: number): Promise<Exported> {
  const params = initGptParams(gptParamLayout(config), seed).map((x) => x * scale);
  const session = await ort.InferenceSession.create(exportGptOnnx(config, params));
  return { config, params, scale, session, reference: new GptCpuReference(config, params) };
}

/** ORT's logits for `ids` against the reference's, within the tolerance above; records the errors. */
async function expectReferenceLogits(m: Exported, ids: number[], label: string): Promise<void> {
  const got = await ortLogits(m, ids);
  const want = referenceLogits(m, ids);
  const maxRef = want.reduce((a, w) => Math.max(a, Math.abs(w)), 0);
  const c = compareArrays(got, want, ATOL_OF_MAX * maxRef, RTOL);
  expect(c.ok, describeComparison(label, c)).toBe(true);
  const w = worst.get(m.scale) ?? { abs: 0, ofMax: 0 };
  worst.set(m.scale, { abs: Math.max(w.abs, c.maxAbsError), ofMax: Math.max(w.ofMax, c.maxAbsError / maxRef) });
}

async function ortLogits(m: Exported, ids: number[]): Promise<Float32Array> {
  const input = new ort.Tensor(
    'int64',
    BigInt64Array.from(ids, (id) => BigInt(id)),
    [1, ids.length],
  );
  const { logits } = await m.session.run({ input_ids: input });
  expect(logits?.dims).toEqual([1, ids.length, m.config.vocabSize]);
  return logits?.data as Float32Array;
}

function referenceLogits(m: Exported, ids: number[]): Float64Array {
  return m.reference.forward(Uint32Array.from(ids), new Uint32Array(ids.length), 1, ids.length).logits;
}

/** Deterministic ids spread over the vocabulary. */
function someIds(T: number, V: number, salt: number): number[] {
  return Array.from({ length: T }, (_, i) => (i * 37 + salt * 101 + 11) % V);
}

function onnxModel(m: Exported): CompletionModel {
  return { ...m.config, lastLogits: ortLastLogits(m.session, ort.Tensor, m.config.vocabSize) };
}

function cpuModel(m: Exported): CompletionModel {
  const V = m.config.vocabSize;
  const lastLogits = async (ids: number[]) => Float32Array.from(referenceLogits(m, ids).subarray((ids.length - 1) * V));
  return { ...m.config, lastLogits };
}

async function collect(model: CompletionModel, prompt: number[], options: CompletionOptions): Promise<number[]> {
  const ids: number[] = [];
  for await (const id of completionTokens(model, prompt, options)) ids.push(id);
  return ids;
}

const BPE_TEXT = [
  'the cat sat on the mat, the cat ate the rat.',
  'a quick brown fox jumps over the lazy dog while the dog sleeps.',
  'she sells sea shells by the sea shore; the shells she sells are sea shells.',
  'how much wood would a woodchuck chuck if a woodchuck could chuck wood?',
  'peter piper picked a peck of pickled peppers, 1234567890 times.',
].join('\n');
const bytes = new ByteTokenizer();
let byteModel: Exported; // tiny, V = 256
let bpeModel: Exported; // tiny, V = 300
let bpe: Tokenizer;

beforeAll(async () => {
  byteModel = await exported(gptPreset('tiny', 256), 99, 20);
  bpe = trainBpe(BPE_TEXT, 300);
  bpeModel = await exported(gptPreset('tiny', bpe.vocabSize), 7, 20);
});
afterAll(() => {
  for (const [scale, w] of worst) {
    console.info(
      `logits vs f64 reference, weights ${scale}x init: max abs error ${w.abs.toExponential(2)}, ` +
        `${w.ofMax.toExponential(2)} of max |logit|`,
    );
  }
});

describe('exportGptOnnx', () => {
  it('writes an opset-20 model with input_ids (1, T) and logits (1, T, V)', () => {
    const config = gptPreset('tiny', 256);
    const model = onnxProto.onnx.ModelProto.decode(exportGptOnnx(config, initGptParams(gptParamLayout(config), 1)));
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', ONNX_OPSET]]);
    const graph = model.graph as onnxProto.onnx.GraphProto;
    const dims = (v: onnxProto.onnx.IValueInfoProto) =>
      v.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(graph.input.map((v) => [v.name, dims(v)])).toEqual([['input_ids', [1, 'T']]]);
    expect(graph.output.map((v) => [v.name, dims(v)])).toEqual([['logits', [1, 'T', 256]]]);
    // Every parameter tensor once, by its gpt-params name; wte serves embedding and LM head.
    const names = new Set(graph.initializer.map((t) => t.name));
    for (const t of gptParamLayout(config).tensors) expect(names.has(t.name)).toBe(true);
    const ops = new Set(graph.node.map((n) => n.opType));
    console.info(`ONNX ops: ${[...ops].sort().join(', ')}`);
  });

  it.each([1, 2, 7, 31, 32])('gives the CPU reference logits at T = %i (V = 256)', async (T) => {
    await expectReferenceLogits(byteModel, someIds(T, 256, T), `logits T=${T}`);
  });

  it.each([1, 5, 32])('gives the CPU reference logits at T = %i with a BPE vocabulary (V = 300)', async (T) => {
    await expectReferenceLogits(bpeModel, someIds(T, 300, T), `logits V=300 T=${T}`);
  });

  it('matches at GPT-2 init scale too (V = 300, T = 1, 16, 32)', async () => {
    const m = await exported(gptPreset('tiny', 300), 3, 1);
    for (const T of [1, 16, 32]) await expectReferenceLogits(m, someIds(T, 300, T), `init-scale logits T=${T}`);
  });

  it('refuses parameters of the wrong length, naming both counts', () => {
    const config = gptPreset('tiny', 256);
    const { totalFloats } = gptParamLayout(config);
    expect(() => exportGptOnnx(config, new Float32Array(totalFloats - 1))).toThrow(
      `has ${totalFloats} parameter floats (padded layout), got ${totalFloats - 1} floats`,
    );
    const other = initGptParams(gptParamLayout(gptPreset('tiny', 300)), 1);
    expect(() => exportGptOnnx(config, other)).toThrow(RangeError);
    expect(() => exportGptOnnx({ ...config, heads: 3 }, new Float32Array(totalFloats))).toThrow('divisible by heads');
  });

  it('refuses a sequence longer than the context (ORT names the position Gather)', async () => {
    const ids = someIds(33, 256, 0);
    await expect(ortLogits(byteModel, ids)).rejects.toThrow(/pos_emb/);
  });
});

describe('completion over the ONNX model', () => {
  it('greedy tokens equal greedy over the CPU reference, past the context window (sliding)', async () => {
    const prompt = Array.from(bytes.encode('Hello, '));
    const options = { maxTokens: 40, temperature: 0, topK: 0, seed: 1 }; // 7 + 40 > T = 32
    const onnxIds = await collect(onnxModel(byteModel), prompt, options);
    expect(onnxIds).toEqual(await collect(cpuModel(byteModel), prompt, options));
    expect(new Set(onnxIds).size).toBeGreaterThan(1);
  });

  it.each([
    { temperature: 1, topK: 40, seed: 5 },
    { temperature: 0.8, topK: 0, seed: 6 },
    { temperature: 1.5, topK: 3, seed: 7 },
  ])('seeded sampling equals the CPU reference (%o)', async (sampling) => {
    const prompt = [65, 66, 67];
    const options = { maxTokens: 40, ...sampling };
    const onnxIds = await collect(onnxModel(byteModel), prompt, options);
    expect(onnxIds).toEqual(await collect(cpuModel(byteModel), prompt, options));
    expect(await collect(onnxModel(byteModel), prompt, { ...options, seed: options.seed + 100 })).not.toEqual(onnxIds);
  });

  it('gives the same tokens on onnxruntime-node (native) as on onnxruntime-web (wasm)', async () => {
    const session = await ortNode.InferenceSession.create(exportGptOnnx(byteModel.config, byteModel.params));
    const native = { ...byteModel.config, lastLogits: ortLastLogits(session, ortNode.Tensor, 256) };
    const prompt = Array.from(bytes.encode('Hello, '));
    for (const options of [
      { maxTokens: 30, temperature: 0, topK: 0, seed: 1 },
      { maxTokens: 30, temperature: 1, topK: 40, seed: 9 },
    ]) {
      expect(await collect(native, prompt, options)).toEqual(await collect(onnxModel(byteModel), prompt, options));
    }
    await session.release();
  });

  it('completes text with a BPE tokenizer as the CPU reference does, greedy and sampled', async () => {
    for (const options of [
      { maxTokens: 30, temperature: 0, topK: 0, seed: 1 },
      { maxTokens: 30, temperature: 1, topK: 20, seed: 2 },
    ]) {
      const onnx = await complete(onnxModel(bpeModel), bpe, 'the cat', options);
      const cpu = await complete(cpuModel(bpeModel), bpe, 'the cat', options);
      expect(onnx).toEqual(cpu);
      expect(onnx.tokens.some((id) => id >= 256)).toBe(true);
      expect(onnx.text).toBe(new TextDecoder().decode(bpe.decodeBytes(onnx.tokens)));
    }
  });

  it('streams valid UTF-8 pieces that add up to the text, from a Chinese prompt', async () => {
    const pieces: string[] = [];
    const result = await complete(
      onnxModel(byteModel),
      bytes,
      '人工智能',
      { maxTokens: 40, temperature: 1, topK: 0, seed: 3 },
      (t) => pieces.push(t),
    );
    expect(result.tokens).toHaveLength(40);
    expect(result.stop).toBe('maxTokens');
    expect(pieces.join('')).toBe(result.text);
    expect(pieces.every((p) => p.length > 0)).toBe(true);
    // Random bytes rarely form characters: undecodable ones come out as U+FFFD, never as broken text.
    expect(decodeUtf8Strict(new TextEncoder().encode(result.text))).toBe(result.text);
    expect(result.text).toBe(new TextDecoder().decode(bytes.decodeBytes(result.tokens)));
  });

  it('stops after the first newline when asked', async () => {
    // A mock model that always prefers the token after the last one: 'a' -> 'b' ... then '\n' at step 3.
    const sequence = [98, 99, 10, 100];
    const mock: CompletionModel = {
      vocabSize: 256,
      contextLength: 32,
      lastLogits: async (ids) => {
        const logits = new Float32Array(256);
        logits[sequence[ids.length - 1] ?? 0] = 10;
        return logits;
      },
    };
    const options = { maxTokens: 10, temperature: 0, topK: 0, seed: 1, stopAtNewline: true };
    expect(await complete(mock, bytes, 'a', options)).toEqual({ tokens: [98, 99, 10], text: 'bc\n', stop: 'newline' });
    const all = await complete(mock, bytes, 'a', { ...options, maxTokens: 2 });
    expect(all).toEqual({ tokens: [98, 99], text: 'bc', stop: 'maxTokens' });
  });

  it('refuses an empty prompt, out-of-vocabulary ids, bad options and a mismatched tokenizer', async () => {
    const greedy = { maxTokens: 1, temperature: 0, topK: 0, seed: 1 };
    const model = onnxModel(byteModel);
    await expect(complete(model, bytes, '', greedy)).rejects.toThrow('the prompt is empty');
    await expect(collect(model, [256], greedy)).rejects.toThrow('outside the vocabulary');
    await expect(collect(model, [1], { ...greedy, temperature: -1 })).rejects.toThrow('temperature');
    await expect(collect(model, [1], { ...greedy, temperature: 1, topK: 100 })).rejects.toThrow('above the kernel');
    await expect(complete(onnxModel(bpeModel), bytes, 'a', greedy)).rejects.toThrow('vocabulary is 300');
    expect(await collect(model, [1], { ...greedy, maxTokens: 0 })).toEqual([]);
  });
});
