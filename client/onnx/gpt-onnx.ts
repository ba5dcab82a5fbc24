import { type GptConfig, validateGptConfig } from '../model/gpt-config';
import { blockParamNames, gptParamLayout, type ParamLayout, paramView } from '../model/gpt-params';
import { ONNX_OPSET, OnnxGraph } from './onnx-builder';

/**
 * The GPT as an ONNX model, the same math as gpt-cpu-reference.ts:
 * pre-layernorm blocks, causal multi-head attention, GELU (tanh
 * approximation), a final layernorm and the weight-tied LM head
 * logits = lnf(x) · wteᵀ.
 *
 *   input   input_ids  int64   (1, T)     T = 1 .. contextLength, chosen per run
 *   output  logits     float32 (1, T, V)
 *
 * Inside, activations are 2-D (T, C) so every linear layer is one Gemm with
 * transB=1 straight on the (out, in) weights of gpt-params.ts: no weight is
 * transposed or copied twice (wte serves the embedding and the LM head).
 * The causal mask is built from T at run time (Range, Greater), so one
 * model serves every length. Opset 20: LayerNormalization and Gelu are single
 * nodes. Shared by Node and the Worker: nothing here touches Node or the GPU.
 *
 * Shapes: T time, C channels, NH heads, HS = C/NH, V vocab.
 */

const LN_EPS = 1e-5;

/** An ONNX ModelProto (bytes) of the GPT with these parameters (gpt-params.ts's padded flat layout). */
export function exportGptOnnx(config: GptConfig, params: Float32Array): Uint8Array {
  validateGptConfig(config);
  const layout = gptParamLayout(config);
  if (!(params instanceof Float32Array) || params.length !== layout.totalFloats) {
    const got = params instanceof Float32Array ? `${params.length} floats` : 'not a Float32Array';
    throw new RangeError(
      `exportGptOnnx: a GPT with ${describeConfig(config)} has ${layout.totalFloats} parameter floats (padded layout), got ${got}`,
    );
  }
  const g = new OnnxGraph('kindling-gpt');
  addWeights(g, layout, params);
  const { vocabSize: V, channels: C, heads: NH } = config;
  const HS = C / NH;
  g.floats('const.attn_scale', [], [1 / Math.sqrt(HS)]);
  g.floats('const.neg_inf', [], [Number.NEGATIVE_INFINITY]);
  g.int64s('const.axis0', [1], [0]);
  g.int64s('const.axis1', [1], [1]);
  g.int64s('const.shape_heads', [3], [-1, NH, HS]);
  g.int64s('const.shape_rows', [2], [-1, C]);

  const ids = g.input('input_ids', 'int64', [1, 'T']);
  const { x: encoded, future } = encoder(g, ids);
  let x = encoded;
  for (let l = 0; l < config.layers; l++) x = block(g, l, x, future);
  const lnf = layernorm(g, x, 'lnf.w', 'lnf.b', 'lnf'); // (T, C)
  const logits2d = g.op('Gemm', [lnf, 'wte'], { transB: { int: 1 } }, 'lm_head'); // (T, V)
  const logits = g.op('Unsqueeze', [logits2d, 'const.axis0'], {}, 'logits'); // (1, T, V)
  g.output(logits, 'float32', [1, 'T', V]);
  return g.encode({
    producer: 'kindling',
    doc: `Kindling GPT: ${describeConfig(config)}. input_ids int64 (1, T), T <= ${config.contextLength}; logits float32 (1, T, ${V}).`,
    metadata: { 'kindling.config': JSON.stringify(config), 'kindling.opset': String(ONNX_OPSET) },
  });
}

function describeConfig(c: GptConfig): string {
  return `vocab ${c.vocabSize}, context ${c.contextLength}, ${c.layers} layers, ${c.heads} heads, ${c.channels} channels`;
}

/** Every tensor of the layout as an initializer under its own name, padding dropped. */
function addWeights(g: OnnxGraph, layout: ParamLayout, params: Float32Array): void {
  for (const t of layout.tensors) g.floats(t.name, t.shape, paramView(params, t));
}

/**
 * x (T, C) = wte[ids] + wpe[0..T), and the causal mask future (T, T):
 * true where a key position is after the query position.
 */
function encoder(g: OnnxGraph, ids: string): { x: string; future: string } {
  const tokens = g.op('Squeeze', [ids, 'const.axis0'], {}, 'tokens'); // (T)
  const length = g.op('Shape', [tokens], {}, 'length'); // (1) = [T]
  const lengthScalar = g.op('Squeeze', [length], {}, 'length_scalar'); // () = T
  g.int64s('const.zero', [], [0]);
  g.int64s('const.one', [], [1]);
  const positions = g.op('Range', ['const.zero', lengthScalar, 'const.one'], {}, 'positions'); // (T) = 0..T-1
  const tokenEmb = g.op('Gather', ['wte', tokens], { axis: { int: 0 } }, 'tok_emb'); // (T, C)
  const posEmb = g.op('Gather', ['wpe', positions], { axis: { int: 0 } }, 'pos_emb'); // (T, C)
  const x = g.op('Add', [tokenEmb, posEmb], {}, 'encoded'); // (T, C)
  const queries = g.op('Unsqueeze', [positions, 'const.axis1'], {}, 'mask.queries'); // (T, 1)
  const keys = g.op('Unsqueeze', [positions, 'const.axis0'], {}, 'mask.keys'); // (1, T)
  const future = g.op('Greater', [keys, queries], {}, 'mask.future'); // (T, T) bool
  return { x, future };
}

/** Per row of x (T, C): (x - mean) / sqrt(var + eps) * w + b. */
function layernorm(g: OnnxGraph, x: string, w: string, b: string, name: string): string {
  const attrs = { axis: { int: -1 }, epsilon: { float: LN_EPS } };
  return g.op('LayerNormalization', [x, w, b], attrs, name);
}

/** out (T, OC) = x (T, IC) · w (OC, IC)ᵀ + b (OC). */
function linear(g: OnnxGraph, x: string, w: string, b: string, name: string): string {
  return g.op('Gemm', [x, w, b], { transB: { int: 1 } }, name);
}

/** Block l: x + attn(ln1(x)), then + mlp(ln2(·)); (T, C) in and out. */
function block(g: OnnxGraph, l: number, x: string, future: string): string {
  const n = blockParamNames(l);
  const p = `h.${l}`;
  const ln1 = layernorm(g, x, n.ln1w, n.ln1b, `${p}.ln1`); // (T, C)
  const atty = attention(g, l, ln1, future); // (T, C)
  const attproj = linear(g, atty, n.attprojw, n.attprojb, `${p}.attn.proj`); // (T, C)
  const residual2 = g.op('Add', [x, attproj], {}, `${p}.residual2`); // (T, C)
  const ln2 = layernorm(g, residual2, n.ln2w, n.ln2b, `${p}.ln2`); // (T, C)
  const fch = linear(g, ln2, n.fcw, n.fcb, `${p}.mlp.fc`); // (T, 4C)
  const gelu = g.op('Gelu', [fch], { approximate: { string: 'tanh' } }, `${p}.mlp.gelu`); // (T, 4C)
  const fcproj = linear(g, gelu, n.fcprojw, n.fcprojb, `${p}.mlp.proj`); // (T, C)
  return g.op('Add', [residual2, fcproj], {}, `${p}.residual3`); // (T, C)
}

/** Causal self-attention of block l over ln1 (T, C); returns the heads' outputs side by side (T, C). */
function attention(g: OnnxGraph, l: number, ln1: string, future: string): string {
  const n = blockParamNames(l);
  const p = `h.${l}`;
  const qkv = linear(g, ln1, n.qkvw, n.qkvb, `${p}.attn.qkv`); // (T, 3C)
  const [q, k, v] = g.opMulti('Split', [qkv], 3, { axis: { int: 1 }, num_outputs: { int: 3 } }, `${p}.attn.split`);
  // (T, C) -> (T, NH, HS) -> per head: q, v (NH, T, HS), kᵀ (NH, HS, T)
  const heads = (value: string, perm: number[], name: string) => {
    const split = g.op('Reshape', [value, 'const.shape_heads'], {}, `${name}.heads`);
    return g.op('Transpose', [split], { perm: { ints: perm } }, name);
  };
  const qh = heads(q as string, [1, 0, 2], `${p}.attn.q`);
  const kt = heads(k as string, [1, 2, 0], `${p}.attn.kT`);
  const vh = heads(v as string, [1, 0, 2], `${p}.attn.v`);
  const dots = g.op('MatMul', [qh, kt], {}, `${p}.attn.dots`); // (NH, T, T)
  const scores = g.op('Mul', [dots, 'const.attn_scale'], {}, `${p}.attn.scores`); // (NH, T, T) / sqrt(HS)
  const masked = g.op('Where', [future, 'const.neg_inf', scores], {}, `${p}.attn.masked`); // (NH, T, T)
  const att = g.op('Softmax', [masked], { axis: { int: -1 } }, `${p}.attn.probs`); // (NH, T, T)
  const y = g.op('MatMul', [att, vh], {}, `${p}.attn.y`); // (NH, T, HS)
  const yt = g.op('Transpose', [y], { perm: { ints: [1, 0, 2] } }, `${p}.attn.y_t`); // (T, NH, HS)
  return g.op('Reshape', [yt, 'const.shape_rows'], {}, `${p}.attn.out`); // (T, C)
}
