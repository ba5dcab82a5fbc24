/**
 * Batches of next-token windows. A window starting at s gives
 *   inputs  = tokens[s .. s+T)       (B, T) row-major
 *   targets = tokens[s+1 .. s+T+1)   (B, T): each position's next token
 * Training windows start at random (from a Mulberry32 whose u32 state goes in
 * the checkpoint, so a resumed run continues the same batch sequence);
 * evaluation windows are fixed and evenly spaced, so every val loss of a run
 * is measured on the same tokens.
 */
import type { Mulberry32 } from './mulberry32';

export interface Batch {
  /** (B, T) token ids */
  inputs: Uint32Array;
  /** (B, T) the token after each input */
  targets: Uint32Array;
}

function checkShape(tokens: Uint32Array, B: number, T: number): void {
  if (!(Number.isInteger(B) && B > 0 && Number.isInteger(T) && T > 0)) {
    throw new RangeError(`batch size and context length must be positive integers, got B=${B}, T=${T}`);
  }
  if (tokens.length < T + 1) {
    throw new RangeError(`a window of context length ${T} needs ${T + 1} tokens, have ${tokens.length}`);
  }
}

function copyWindow(tokens: Uint32Array, start: number, T: number, batch: Batch, row: number): void {
  batch.inputs.set(tokens.subarray(start, start + T), row * T);
  batch.targets.set(tokens.subarray(start + 1, start + T + 1), row * T);
}

/**
 * B windows at uniformly random starts in [0, n-T-1], one rng draw per row.
 * Writes into `out` when given (no allocation in the training step).
 */
export function sampleBatch(
  tokens: Uint32Array,
  B: number,
  T: number,
  rng: Mulberry32,
  out: Batch = { inputs: new Uint32Array(B * T), targets: new Uint32Array(B * T) },
): Batch {
  checkShape(tokens, B, T);
  if (out.inputs.length !== B * T || out.targets.length !== B * T) {
    throw new RangeError(`batch buffers must hold B*T = ${B * T} ids`);
  }
  const starts = tokens.length - T; // valid starts: 0 .. n-T-1
  for (let row = 0; row < B; row++) copyWindow(tokens, rng.nextInt(starts), T, out, row);
  return out;
}

/**
 * `count` batches whose count*B windows start evenly spaced from the first
 * possible start (0) to the last (n-T-1); windows may overlap when the
 * tokens are few. The same arguments always give the same batches.
 */
export function evalBatches(tokens: Uint32Array, B: number, T: number, count: number): Batch[] {
  checkShape(tokens, B, T);
  if (!(Number.isInteger(count) && count > 0)) throw new RangeError(`eval batch count must be positive, got ${count}`);
  const windows = count * B;
  const lastStart = tokens.length - T - 1;
  const batches: Batch[] = [];
  for (let b = 0; b < count; b++) {
    const batch = { inputs: new Uint32Array(B * T), targets: new Uint32Array(B * T) };
    for (let row = 0; row < B; row++) {
      const k = b * B + row;
      const start = windows === 1 ? 0 : Math.floor((k * lastStart) / (windows - 1));
      copyWindow(tokens, start, T, batch, row);
    }
    batches.push(batch);
  }
  return batches;
}
