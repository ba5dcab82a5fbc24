import type { FloatArray } from '../client/numerics/float-array';

/**
 * CPU reference for causal multi-head self-attention, plain loops in llm.c's
 * layout (train_gpt2.c attention_forward/attention_backward):
 *   qkv (B, T, 3C): q = qkv[b,t,0:C], k = qkv[b,t,C:2C], v = qkv[b,t,2C:3C];
 *   head h uses channels h*HS..(h+1)*HS, HS = C/NH; scores scaled by 1/sqrt(HS);
 *   query t attends keys 0..t; out (B, T, C) holds the heads side by side;
 *   stats (B, NH, T) holds each score row's logsumexp (max + log Σ exp), which
 *   is all the backward needs to rebuild the probabilities.
 * Each (b, t, h) row of the (T, T) attention matrix is materialised here as
 * llm.c does; the GPU's fused kernels never build it.
 *
 * Backward: dqkv is an activation gradient and is ASSIGNED (=), not
 * accumulated; attention has no parameters, so nothing accumulates.
 */

function checkHeads(C: number, NH: number): number {
  if (C % NH !== 0) throw new Error(`attention: C=${C} is not a multiple of NH=${NH}`);
  return C / NH;
}

/** q_t · k_t2 over one head's HS channels, unscaled. */
function queryKey(qkv: FloatArray, b: number, t: number, t2: number, h: number, T: number, C: number, HS: number) {
  const q = (b * T + t) * 3 * C + h * HS;
  const k = (b * T + t2) * 3 * C + C + h * HS;
  let sum = 0;
  for (let i = 0; i < HS; i++) sum += (qkv[q + i] as number) * (qkv[k + i] as number);
  return sum;
}

export function attentionForwardCpu(
  out: FloatArray, // (B, T, C)
  stats: FloatArray, // (B, NH, T)
  qkv: FloatArray, // (B, T, 3C)
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  const HS = checkHeads(C, NH);
  const scale = 1 / Math.sqrt(HS);
  const att = new Float64Array(T); // one row of the (B, NH, T, T) matrix
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        // Scores and their max over the causal keys 0..t.
        let max = Number.NEGATIVE_INFINITY;
        for (let t2 = 0; t2 <= t; t2++) {
          att[t2] = queryKey(qkv, b, t, t2, h, T, C, HS) * scale;
          max = Math.max(max, att[t2] as number);
        }
        let sum = 0;
        for (let t2 = 0; t2 <= t; t2++) {
          att[t2] = Math.exp((att[t2] as number) - max);
          sum += att[t2] as number;
        }
        stats[(b * NH + h) * T + t] = max + Math.log(sum);
        // out = Σ_t2 att[t2] · v_t2
        const o = (b * T + t) * C + h * HS;
        for (let i = 0; i < HS; i++) {
          let acc = 0;
          for (let t2 = 0; t2 <= t; t2++) {
            acc += ((att[t2] as number) / sum) * (qkv[(b * T + t2) * 3 * C + 2 * C + h * HS + i] as number);
          }
          out[o + i] = acc;
        }
      }
    }
  }
}

export function attentionBackwardCpu(
  dqkv: FloatArray, // (B, T, 3C), assigned
  dout: FloatArray, // (B, T, C)
  qkv: FloatArray, // (B, T, 3C)
  out: FloatArray, // (B, T, C), unused here; the GPU uses it for Σ dout·out
  stats: FloatArray, // (B, NH, T)
  B: number,
  T: number,
  C: number,
  NH: number,
): void {
  void out; // kept so that the reference and the launcher take the same arguments
  const HS = checkHeads(C, NH);
  const scale = 1 / Math.sqrt(HS);
  const C3 = 3 * C;
  const att = new Float64Array(T); // one row of att (B, NH, T, T), rebuilt from stats
  const datt = new Float64Array(T);
  const dpreatt = new Float64Array(T);
  // Assign: every element is the sum of the terms below, starting from zero.
  dqkv.fill(0, 0, B * T * C3);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < NH; h++) {
        const lse = stats[(b * NH + h) * T + t] as number;
        for (let t2 = 0; t2 <= t; t2++) att[t2] = Math.exp(queryKey(qkv, b, t, t2, h, T, C, HS) * scale - lse);
        const o = (b * T + t) * C + h * HS;
        // Through out = att · v: datt[t2] = dout · v_t2, dv_t2 += att[t2] · dout.
        for (let t2 = 0; t2 <= t; t2++) {
          const v = (b * T + t2) * C3 + 2 * C + h * HS;
          let sum = 0;
          for (let i = 0; i < HS; i++) {
            sum += (qkv[v + i] as number) * (dout[o + i] as number);
            dqkv[v + i] = (dqkv[v + i] as number) + (att[t2] as number) * (dout[o + i] as number);
          }
          datt[t2] = sum;
        }
        // Through the softmax: dpreatt[t3] = Σ_t2 att[t2] (1[t2 = t3] - att[t3]) datt[t2].
        for (let t3 = 0; t3 <= t; t3++) {
          let sum = 0;
          for (let t2 = 0; t2 <= t; t2++) {
            const indicator = t2 === t3 ? 1 : 0;
            sum += (att[t2] as number) * (indicator - (att[t3] as number)) * (datt[t2] as number);
          }
          dpreatt[t3] = sum;
        }
        // Through preatt = q · k · scale.
        const q = (b * T + t) * C3 + h * HS;
        for (let t2 = 0; t2 <= t; t2++) {
          const k = (b * T + t2) * C3 + C + h * HS;
          const d = (dpreatt[t2] as number) * scale;
          for (let i = 0; i < HS; i++) {
            dqkv[q + i] = (dqkv[q + i] as number) + (qkv[k + i] as number) * d;
            dqkv[k + i] = (dqkv[k + i] as number) + (qkv[q + i] as number) * d;
          }
        }
      }
    }
  }
}
