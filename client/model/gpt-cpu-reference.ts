import type { GptConfig } from './gpt-config';
import { blockParamNames, gptParamLayout, type ParamLayout, type ParamTensor } from './gpt-params';

/**
 * An independent float64 GPT-2 trainer in plain loops: llm.c's train_gpt2.c,
 * written again in TypeScript. It shares nothing with the GPU path except
 * the parameter layout, so the GPU trainer is tested against it the way
 * llm.c's test_gpt2 tests its CUDA trainer: same logits, same loss, same
 * losses over several AdamW steps.
 *
 * Shapes: B batch, T time, C channels, NH heads, HS = C/NH, V vocab, L layers.
 * Every buffer below is row-major; comments give their shapes.
 */

export interface AdamWSettings {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this (Infinity: no clipping). */
  maxGradNorm: number;
}

interface BlockActivations {
  ln1: Float64Array; // (B, T, C)
  ln1Mean: Float64Array; // (B, T)
  ln1Rstd: Float64Array; // (B, T)
  qkv: Float64Array; // (B, T, 3C)
  att: Float64Array; // (B, NH, T, T) softmax probabilities, causal
  atty: Float64Array; // (B, T, C) attention output before the projection
  attproj: Float64Array; // (B, T, C)
  residual2: Float64Array; // (B, T, C) = residual in + attproj
  ln2: Float64Array; // (B, T, C)
  ln2Mean: Float64Array; // (B, T)
  ln2Rstd: Float64Array; // (B, T)
  fch: Float64Array; // (B, T, 4C)
  fchGelu: Float64Array; // (B, T, 4C)
  fcproj: Float64Array; // (B, T, C)
  residual3: Float64Array; // (B, T, C) = residual2 + fcproj
}

interface Activations {
  B: number;
  T: number;
  inputs: Uint32Array; // (B, T)
  targets: Uint32Array; // (B, T)
  encoded: Float64Array; // (B, T, C)
  blocks: BlockActivations[];
  lnf: Float64Array; // (B, T, C)
  lnfMean: Float64Array; // (B, T)
  lnfRstd: Float64Array; // (B, T)
  logits: Float64Array; // (B, T, V)
  probs: Float64Array; // (B, T, V)
  losses: Float64Array; // (B, T)
}

export class GptCpuReference {
  readonly layout: ParamLayout;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private step = 0;
  private acts: Activations | null = null;

  constructor(
    readonly config: GptConfig,
    params: ArrayLike<number>,
  ) {
    this.layout = gptParamLayout(config);
    if (params.length !== this.layout.totalFloats) {
      throw new RangeError(`expected ${this.layout.totalFloats} parameter floats, got ${params.length}`);
    }
    this.params = Float64Array.from(params);
    this.grads = new Float64Array(this.layout.totalFloats);
    this.m = new Float64Array(this.layout.totalFloats);
    this.v = new Float64Array(this.layout.totalFloats);
  }

  private p(name: string): Float64Array {
    return view(this.params, this.tensor(name));
  }

  private g(name: string): Float64Array {
    return view(this.grads, this.tensor(name));
  }

  private tensor(name: string): ParamTensor {
    const t = this.layout.byName.get(name);
    if (!t) throw new Error(`no parameter '${name}'`);
    return t;
  }

  /** Forward pass; returns logits (B,T,V), per-position losses (B,T) and their mean. */
  forward(inputs: Uint32Array, targets: Uint32Array, B: number, T: number) {
    const { vocabSize: V, channels: C, heads: NH, layers: L } = this.config;
    const encoded = new Float64Array(B * T * C);
    encoderForward(encoded, inputs, this.p('wte'), this.p('wpe'), B, T, C);
    const blocks: BlockActivations[] = [];
    let residual: Float64Array = encoded;
    for (let l = 0; l < L; l++) {
      const n = blockParamNames(l);
      const a: BlockActivations = {
        ln1: new Float64Array(B * T * C),
        ln1Mean: new Float64Array(B * T),
        ln1Rstd: new Float64Array(B * T),
        qkv: new Float64Array(B * T * 3 * C),
        att: new Float64Array(B * NH * T * T),
        atty: new Float64Array(B * T * C),
        attproj: new Float64Array(B * T * C),
        residual2: new Float64Array(B * T * C),
        ln2: new Float64Array(B * T * C),
        ln2Mean: new Float64Array(B * T),
        ln2Rstd: new Float64Array(B * T),
        fch: new Float64Array(B * T * 4 * C),
        fchGelu: new Float64Array(B * T * 4 * C),
        fcproj: new Float64Array(B * T * C),
        residual3: new Float64Array(B * T * C),
      };
      layernormForward(a.ln1, a.ln1Mean, a.ln1Rstd, residual, this.p(n.ln1w), this.p(n.ln1b), B * T, C);
      matmulForward(a.qkv, a.ln1, this.p(n.qkvw), this.p(n.qkvb), B * T, C, 3 * C);
      attentionForward(a.atty, a.att, a.qkv, B, T, C, NH);
      matmulForward(a.attproj, a.atty, this.p(n.attprojw), this.p(n.attprojb), B * T, C, C);
      add(a.residual2, residual, a.attproj);
      layernormForward(a.ln2, a.ln2Mean, a.ln2Rstd, a.residual2, this.p(n.ln2w), this.p(n.ln2b), B * T, C);
      matmulForward(a.fch, a.ln2, this.p(n.fcw), this.p(n.fcb), B * T, C, 4 * C);
      geluForward(a.fchGelu, a.fch);
      matmulForward(a.fcproj, a.fchGelu, this.p(n.fcprojw), this.p(n.fcprojb), B * T, 4 * C, C);
      add(a.residual3, a.residual2, a.fcproj);
      blocks.push(a);
      residual = a.residual3;
    }
    const lnf = new Float64Array(B * T * C);
    const lnfMean = new Float64Array(B * T);
    const lnfRstd = new Float64Array(B * T);
    layernormForward(lnf, lnfMean, lnfRstd, residual, this.p('lnf.w'), this.p('lnf.b'), B * T, C);
    const logits = new Float64Array(B * T * V);
    matmulForward(logits, lnf, this.p('wte'), null, B * T, C, V); // weight-tied LM head
    const probs = new Float64Array(B * T * V);
    const losses = new Float64Array(B * T);
    softmaxCrossEntropyForward(probs, losses, logits, targets, B * T, V);
    this.acts = { B, T, inputs, targets, encoded, blocks, lnf, lnfMean, lnfRstd, logits, probs, losses };
    const meanLoss = losses.reduce((s, x) => s + x, 0) / (B * T);
    return { logits, losses, meanLoss };
  }

  /** Gradients of the mean loss of the last forward, accumulated into `grads`. */
  backward(): void {
    const a = this.acts;
    if (!a) throw new Error('backward() before forward()');
    const { B, T } = a;
    const { vocabSize: V, channels: C, heads: NH, layers: L } = this.config;
    const BT = B * T;
    // dlogits = (probs - onehot(target)) / (B·T): the mean loss's gradient.
    const dlogits = new Float64Array(BT * V);
    for (let i = 0; i < BT; i++) {
      for (let v = 0; v < V; v++) {
        const indicator = v === a.targets[i] ? 1 : 0;
        dlogits[i * V + v] = ((a.probs[i * V + v] as number) - indicator) / BT;
      }
    }
    const dlnf = new Float64Array(BT * C);
    matmulBackward(dlnf, this.g('wte'), null, dlogits, a.lnf, this.p('wte'), BT, C, V);
    const lastResidual = L > 0 ? (a.blocks[L - 1] as BlockActivations).residual3 : a.encoded;
    let dresidual = new Float64Array(BT * C);
    layernormBackward(
      dresidual,
      this.g('lnf.w'),
      this.g('lnf.b'),
      dlnf,
      lastResidual,
      this.p('lnf.w'),
      a.lnfMean,
      a.lnfRstd,
      BT,
      C,
    );
    for (let l = L - 1; l >= 0; l--) {
      const n = blockParamNames(l);
      const b = a.blocks[l] as BlockActivations;
      const residualIn = l === 0 ? a.encoded : (a.blocks[l - 1] as BlockActivations).residual3;
      // residual3 = residual2 + fcproj: dresidual flows to both.
      const dfchGelu = new Float64Array(BT * 4 * C);
      matmulBackward(
        dfchGelu,
        this.g(n.fcprojw),
        this.g(n.fcprojb),
        dresidual,
        b.fchGelu,
        this.p(n.fcprojw),
        BT,
        4 * C,
        C,
      );
      const dfch = new Float64Array(BT * 4 * C);
      geluBackward(dfch, b.fch, dfchGelu);
      const dln2 = new Float64Array(BT * C);
      matmulBackward(dln2, this.g(n.fcw), this.g(n.fcb), dfch, b.ln2, this.p(n.fcw), BT, C, 4 * C);
      const dresidual2 = new Float64Array(BT * C);
      layernormBackward(
        dresidual2,
        this.g(n.ln2w),
        this.g(n.ln2b),
        dln2,
        b.residual2,
        this.p(n.ln2w),
        b.ln2Mean,
        b.ln2Rstd,
        BT,
        C,
      );
      add(dresidual2, dresidual2, dresidual);
      // residual2 = residualIn + attproj.
      const datty = new Float64Array(BT * C);
      matmulBackward(datty, this.g(n.attprojw), this.g(n.attprojb), dresidual2, b.atty, this.p(n.attprojw), BT, C, C);
      const dqkv = new Float64Array(BT * 3 * C);
      attentionBackward(dqkv, datty, b.qkv, b.att, B, T, C, NH);
      const dln1 = new Float64Array(BT * C);
      matmulBackward(dln1, this.g(n.qkvw), this.g(n.qkvb), dqkv, b.ln1, this.p(n.qkvw), BT, C, 3 * C);
      const dresidualIn = new Float64Array(BT * C);
      layernormBackward(
        dresidualIn,
        this.g(n.ln1w),
        this.g(n.ln1b),
        dln1,
        residualIn,
        this.p(n.ln1w),
        b.ln1Mean,
        b.ln1Rstd,
        BT,
        C,
      );
      add(dresidualIn, dresidualIn, dresidual2);
      dresidual = dresidualIn;
    }
    encoderBackward(this.g('wte'), this.g('wpe'), dresidual, a.inputs, B, T, C);
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /** Global L2 norm of the gradients (padding is zero and adds nothing). */
  gradNorm(): number {
    let sum = 0;
    for (const g of this.grads) sum += g * g;
    return Math.sqrt(sum);
  }

  /** One AdamW step over every parameter, after clipping the gradient norm. */
  update(s: AdamWSettings): void {
    this.step += 1;
    const norm = this.gradNorm();
    // As the GPU's grad_norm kernel: scale = min(1, max / (norm + 1e-6)); max <= 0 disables clipping.
    const scale = s.maxGradNorm > 0 ? Math.min(1, s.maxGradNorm / (norm + 1e-6)) : 1;
    const correction1 = 1 - s.beta1 ** this.step;
    const correction2 = 1 - s.beta2 ** this.step;
    for (let i = 0; i < this.params.length; i++) {
      const grad = (this.grads[i] as number) * scale;
      const m = s.beta1 * (this.m[i] as number) + (1 - s.beta1) * grad;
      const v = s.beta2 * (this.v[i] as number) + (1 - s.beta2) * grad * grad;
      this.m[i] = m;
      this.v[i] = v;
      const param = this.params[i] as number;
      this.params[i] = param - s.lr * (m / correction1 / (Math.sqrt(v / correction2) + s.eps) + s.weightDecay * param);
    }
  }
}

function view(flat: Float64Array, t: ParamTensor): Float64Array {
  return flat.subarray(t.offset, t.offset + t.size);
}

function add(out: Float64Array, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (x[i] as number) + (y[i] as number);
}

// out (B,T,C) = wte[inputs[b,t]] + wpe[t]
function encoderForward(
  out: Float64Array,
  inputs: Uint32Array,
  wte: Float64Array,
  wpe: Float64Array,
  B: number,
  T: number,
  C: number,
) {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const token = inputs[b * T + t] as number;
      for (let c = 0; c < C; c++) {
        out[(b * T + t) * C + c] = (wte[token * C + c] as number) + (wpe[t * C + c] as number);
      }
    }
  }
}

function encoderBackward(
  dwte: Float64Array,
  dwpe: Float64Array,
  dout: Float64Array,
  inputs: Uint32Array,
  B: number,
  T: number,
  C: number,
) {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const token = inputs[b * T + t] as number;
      for (let c = 0; c < C; c++) {
        const d = dout[(b * T + t) * C + c] as number;
        dwte[token * C + c] = (dwte[token * C + c] as number) + d;
        dwpe[t * C + c] = (dwpe[t * C + c] as number) + d;
      }
    }
  }
}

const LN_EPS = 1e-5;

// Per row of N rows (each C wide): out = (x - mean) * rstd * w + b.
function layernormForward(
  out: Float64Array,
  mean: Float64Array,
  rstd: Float64Array,
  inp: Float64Array,
  w: Float64Array,
  b: Float64Array,
  N: number,
  C: number,
) {
  for (let i = 0; i < N; i++) {
    let m = 0;
    for (let c = 0; c < C; c++) m += inp[i * C + c] as number;
    m /= C;
    let variance = 0;
    for (let c = 0; c < C; c++) variance += ((inp[i * C + c] as number) - m) ** 2;
    variance /= C;
    const s = 1 / Math.sqrt(variance + LN_EPS);
    for (let c = 0; c < C; c++) {
      out[i * C + c] = ((inp[i * C + c] as number) - m) * s * (w[c] as number) + (b[c] as number);
    }
    mean[i] = m;
    rstd[i] = s;
  }
}

// dinp is assigned; dw and db accumulate.
function layernormBackward(
  dinp: Float64Array,
  dw: Float64Array,
  db: Float64Array,
  dout: Float64Array,
  inp: Float64Array,
  w: Float64Array,
  mean: Float64Array,
  rstd: Float64Array,
  N: number,
  C: number,
) {
  for (let i = 0; i < N; i++) {
    const m = mean[i] as number;
    const s = rstd[i] as number;
    let dnormMean = 0;
    let dnormNormMean = 0;
    for (let c = 0; c < C; c++) {
      const norm = ((inp[i * C + c] as number) - m) * s;
      const dnorm = (w[c] as number) * (dout[i * C + c] as number);
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let c = 0; c < C; c++) {
      const norm = ((inp[i * C + c] as number) - m) * s;
      const d = dout[i * C + c] as number;
      db[c] = (db[c] as number) + d;
      dw[c] = (dw[c] as number) + norm * d;
      const dnorm = (w[c] as number) * d;
      dinp[i * C + c] = (dnorm - dnormMean - norm * dnormNormMean) * s;
    }
  }
}

// out (N, OC) = inp (N, C) · w (OC, C)ᵀ + bias (OC)
function matmulForward(
  out: Float64Array,
  inp: Float64Array,
  w: Float64Array,
  bias: Float64Array | null,
  N: number,
  C: number,
  OC: number,
) {
  for (let i = 0; i < N; i++) {
    for (let o = 0; o < OC; o++) {
      let sum = bias ? (bias[o] as number) : 0;
      for (let c = 0; c < C; c++) sum += (inp[i * C + c] as number) * (w[o * C + c] as number);
      out[i * OC + o] = sum;
    }
  }
}

// dinp (N, C) assigned; dw (OC, C) and dbias (OC) accumulate.
function matmulBackward(
  dinp: Float64Array,
  dw: Float64Array,
  dbias: Float64Array | null,
  dout: Float64Array,
  inp: Float64Array,
  w: Float64Array,
  N: number,
  C: number,
  OC: number,
) {
  for (let i = 0; i < N; i++) {
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let o = 0; o < OC; o++) sum += (dout[i * OC + o] as number) * (w[o * C + c] as number);
      dinp[i * C + c] = sum;
    }
  }
  for (let o = 0; o < OC; o++) {
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += (dout[i * OC + o] as number) * (inp[i * C + c] as number);
      dw[o * C + c] = (dw[o * C + c] as number) + sum;
    }
    if (dbias) {
      let sum = 0;
      for (let i = 0; i < N; i++) sum += dout[i * OC + o] as number;
      dbias[o] = (dbias[o] as number) + sum;
    }
  }
}

// Causal self-attention over qkv (B, T, 3C); att (B, NH, T, T) keeps the probabilities.
function attentionForward(
  out: Float64Array,
  att: Float64Array,
  qkv: Float64Array,
  B: number,
  T: number,
  C: number,
  NH: number,
) {
  const HS = C / NH;
  const scale = 1 / Math.sqrt(HS);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const q = (b * T + t) * 3 * C + h * HS;
        const row = ((b * NH + h) * T + t) * T;
        let max = -Infinity;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = (b * T + t2) * 3 * C + C + h * HS;
          let dot = 0;
          for (let i = 0; i < HS; i++) dot += (qkv[q + i] as number) * (qkv[k + i] as number);
          dot *= scale;
          att[row + t2] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          const e = Math.exp((att[row + t2] as number) - max);
          att[row + t2] = e;
          sum += e;
        }
        for (let t2 = 0; t2 < T; t2++) att[row + t2] = t2 <= t ? (att[row + t2] as number) / sum : 0;
        for (let i = 0; i < HS; i++) {
          let y = 0;
          for (let t2 = 0; t2 <= t; t2++) {
            y += (att[row + t2] as number) * (qkv[(b * T + t2) * 3 * C + 2 * C + h * HS + i] as number);
          }
          out[(b * T + t) * C + h * HS + i] = y;
        }
      }
    }
  }
}

// dqkv (B, T, 3C) assigned, from dout (B, T, C) and the saved probabilities.
function attentionBackward(
  dqkv: Float64Array,
  dout: Float64Array,
  qkv: Float64Array,
  att: Float64Array,
  B: number,
  T: number,
  C: number,
  NH: number,
) {
  const HS = C / NH;
  const scale = 1 / Math.sqrt(HS);
  dqkv.fill(0);
  const datt = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      for (let t = 0; t < T; t++) {
        const row = ((b * NH + h) * T + t) * T;
        const dy = (b * T + t) * C + h * HS;
        // out = Σ att·v: gradients into att and v.
        for (let t2 = 0; t2 <= t; t2++) {
          const v = (b * T + t2) * 3 * C + 2 * C + h * HS;
          let d = 0;
          for (let i = 0; i < HS; i++) {
            d += (qkv[v + i] as number) * (dout[dy + i] as number);
            dqkv[v + i] = (dqkv[v + i] as number) + (att[row + t2] as number) * (dout[dy + i] as number);
          }
          datt[t2] = d;
        }
        // softmax backward: dpre = att · (datt - Σ att·datt)
        let weighted = 0;
        for (let t2 = 0; t2 <= t; t2++) weighted += (att[row + t2] as number) * (datt[t2] as number);
        const q = (b * T + t) * 3 * C + h * HS;
        for (let t2 = 0; t2 <= t; t2++) {
          const dpre = (att[row + t2] as number) * ((datt[t2] as number) - weighted) * scale;
          const k = (b * T + t2) * 3 * C + C + h * HS;
          for (let i = 0; i < HS; i++) {
            dqkv[q + i] = (dqkv[q + i] as number) + (qkv[k + i] as number) * dpre;
            dqkv[k + i] = (dqkv[k + i] as number) + (qkv[q + i] as number) * dpre;
          }
        }
      }
    }
  }
}

const GELU_SCALE = Math.sqrt(2 / Math.PI);

function geluForward(out: Float64Array, inp: Float64Array) {
  for (let i = 0; i < out.length; i++) {
    const x = inp[i] as number;
    out[i] = 0.5 * x * (1 + Math.tanh(GELU_SCALE * (x + 0.044715 * x * x * x)));
  }
}

function geluBackward(dinp: Float64Array, inp: Float64Array, dout: Float64Array) {
  for (let i = 0; i < dinp.length; i++) {
    const x = inp[i] as number;
    const u = GELU_SCALE * (x + 0.044715 * x * x * x);
    const th = Math.tanh(u);
    const sech2 = 1 - th * th;
    const local = 0.5 * (1 + th) + 0.5 * x * sech2 * GELU_SCALE * (1 + 3 * 0.044715 * x * x);
    dinp[i] = local * (dout[i] as number);
  }
}

// Rows of V logits → probabilities (N, V) and losses (N) = -log p[target].
function softmaxCrossEntropyForward(
  probs: Float64Array,
  losses: Float64Array,
  logits: Float64Array,
  targets: Uint32Array,
  N: number,
  V: number,
) {
  for (let i = 0; i < N; i++) {
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[i * V + v] as number);
    let sum = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp((logits[i * V + v] as number) - max);
      probs[i * V + v] = e;
      sum += e;
    }
    for (let v = 0; v < V; v++) probs[i * V + v] = (probs[i * V + v] as number) / sum;
    losses[i] = -Math.log(probs[i * V + (targets[i] as number)] as number);
  }
}
