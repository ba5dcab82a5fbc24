import { checkTokenIds } from './encoder.reference';

/**
 * Positions bucketed by token, the input of encoder_backward_wte.wgsl.
 *
 * Why on the CPU: the trainer already holds each batch's token ids on the
 * CPU (it uploads them), and a counting sort of B·T ids is cheap there
 * (0.15 ms for B·T = 1024, 5 ms for 64K ids with V = 50257, on a loaded
 * 2-core machine), while a deterministic GPU sort needs a histogram and a
 * prefix sum over V counters — several extra dispatches. llm.c makes the same
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

/** Counting sort of positions 0..B·T-1 by inp's token id; throws RangeError on an id ≥ V. O(B·T + V). */
export function bucketPositionsByToken(inp: Uint32Array, BT: number, V: number): EncoderBuckets {
  checkTokenIds(inp, BT, V);
  const counts = new Uint32Array(V);
  for (let bt = 0; bt < BT; bt++) {
    const token = inp[bt] as number;
    counts[token] = (counts[token] as number) + 1;
  }
  const buckets = new Uint32Array(encoderBucketSlots(BT, V) * 3);
  // Where each token's next position goes in `positions`.
  const next = new Uint32Array(V);
  let slot = 0;
  let start = 0;
  for (let token = 0; token < V; token++) {
    const count = counts[token] as number;
    if (count === 0) continue;
    buckets.set([token, start, start + count], slot * 3);
    next[token] = start;
    start += count;
    slot++;
  }
  const positions = new Uint32Array(BT);
  for (let bt = 0; bt < BT; bt++) {
    const token = inp[bt] as number;
    positions[next[token] as number] = bt;
    next[token] = (next[token] as number) + 1;
  }
  return { buckets, positions };
}
