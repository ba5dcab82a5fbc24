import { checkTokenIds } from './encoder.reference';

/**
 * Positions bucketed by token, the input of encoder_backward_wte.wgsl.
 *
 * Why on the CPU: the trainer already holds each batch's token ids on the
 * CPU (it uploads them), and a counting sort of B·T ids is microseconds
 * there, while a deterministic GPU sort needs a histogram and a prefix sum
 * over V = 50257 counters — several extra dispatches. llm.c makes the same
 * choice (encoder_backward in llmc/encoder.cuh buckets `inputs_cpu` on the
 * host). It is also where out-of-range ids are caught, with a clear error.
 */
export interface EncoderBuckets {
  /** (S, 3): token, start, end per slot; S = min(B·T, V); unused slots empty (0, 0, 0). */
  buckets: Uint32Array;
  /** (B·T): positions grouped by token, increasing within each bucket. */
  positions: Uint32Array;
}

/** Slots in the buckets array: at most one per distinct token. */
export function encoderBucketSlots(BT: number, V: number): number {
  return Math.min(BT, V);
}

/** Counting sort of positions 0..B·T-1 by inp's token id; throws RangeError on an id ≥ V. */
export function bucketPositionsByToken(inp: Uint32Array, BT: number, V: number): EncoderBuckets {
  checkTokenIds(inp, BT, V);
  const counts = new Map<number, number>();
  for (let bt = 0; bt < BT; bt++) {
    const token = inp[bt] as number;
    counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  const tokens = [...counts.keys()].sort((a, b) => a - b);
  const buckets = new Uint32Array(encoderBucketSlots(BT, V) * 3);
  // Next free index in `positions` for each token.
  const next = new Map<number, number>();
  let start = 0;
  tokens.forEach((token, slot) => {
    const end = start + (counts.get(token) as number);
    buckets.set([token, start, end], slot * 3);
    next.set(token, start);
    start = end;
  });
  const positions = new Uint32Array(BT);
  for (let bt = 0; bt < BT; bt++) {
    const token = inp[bt] as number;
    const k = next.get(token) as number;
    positions[k] = bt;
    next.set(token, k + 1);
  }
  return { buckets, positions };
}
