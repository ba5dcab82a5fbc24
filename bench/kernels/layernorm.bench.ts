import type { Tensor } from '@tensorflow/tfjs-core';
import { createStorageBuffer } from '../../client/gpu/buffers';
import type { PreparedDispatch } from '../../client/gpu/runner';
import { randomFloats } from '../../client/numerics/random';
import {
  type LayernormWorkgroupSize,
  layernormBackwardParamsPartialSpec,
  layernormBackwardParamsReduceSpec,
  layernormBackwardSpecFor,
  layernormForwardSpecFor,
  layernormScratchFloats,
} from '../../shaders/layernorm';
import type { BenchCase } from '../harness';
import type { Tfjs } from '../tfjs-peer';

/**
 * layernorm_forward vs tf.moments and arithmetic; layernorm_backward (dinp
 * plus the two parameter passes) vs the same formulas composed from TF.js ops.
 * Variants wg64/wg4: invocations per row of the row kernels (see layernorm.ts).
 * Memory-bound: bytes count inp, out (and dout, dinp) once, plus the small
 * per-row and per-channel vectors; the scratch round trip is not counted.
 */

type Shape = { B: number; T: number; C: number };
const EPS = 1e-5;

/** TF.js forward: the normalised rows' output, mean and rstd (all three kept, as ours saves them). */
function tfForward(tf: Tfjs, x: Tensor, w: Tensor, b: Tensor): Tensor[] {
  const { mean, variance } = tf.moments(x, -1, true);
  const rstd = tf.rsqrt(tf.add(variance, EPS));
  return [tf.add(tf.mul(tf.mul(tf.sub(x, mean), rstd), w), b), mean, rstd];
}

/** TF.js backward from the saved mean/rstd: dinp, and dweight, dbias added to the old ones. */
function tfBackward(tf: Tfjs, x: Tensor, w: Tensor, mean: Tensor, rstd: Tensor, dout: Tensor, dw: Tensor, db: Tensor) {
  const norm = tf.mul(tf.sub(x, mean), rstd); // (BT, C)
  const g = tf.mul(dout, w);
  const gMean = tf.mean(g, -1, true);
  const gNormMean = tf.mean(tf.mul(g, norm), -1, true);
  const dinp = tf.mul(tf.sub(tf.sub(g, gMean), tf.mul(norm, gNormMean)), rstd);
  return [dinp, tf.add(dw, tf.sum(tf.mul(dout, norm), 0)), tf.add(db, tf.sum(dout, 0))];
}

function layernormCase(
  kernel: 'layernorm_forward' | 'layernorm_backward',
  s: Shape,
  size: BenchCase['size'],
  WG: LayernormWorkgroupSize,
): BenchCase {
  const { B, T, C } = s;
  const BT = B * T;
  const backward = kernel === 'layernorm_backward';
  return {
    kernel,
    variant: `wg${WG}`,
    shape: s,
    size,
    bytes: backward ? (3 * BT * C + 2 * BT + 5 * C) * 4 : (2 * BT * C + 2 * BT + 2 * C) * 4,
    setup: async (runner) => {
      const gpu = runner.gpu;
      const buffers = {
        inp: createStorageBuffer(gpu, 'inp', randomFloats(BT * C, 1)),
        weight: createStorageBuffer(gpu, 'weight', randomFloats(C, 2)),
        bias: createStorageBuffer(gpu, 'bias', randomFloats(C, 3)),
        out: createStorageBuffer(gpu, 'out', BT * C),
        mean: createStorageBuffer(gpu, 'mean', BT),
        rstd: createStorageBuffer(gpu, 'rstd', BT),
        dout: createStorageBuffer(gpu, 'dout', randomFloats(BT * C, 4)),
        dweight: createStorageBuffer(gpu, 'dweight', C),
        dbias: createStorageBuffer(gpu, 'dbias', C),
        scratch: createStorageBuffer(gpu, 'scratch', layernormScratchFloats(BT, C)),
      };
      const { inp, weight, bias, out, mean, rstd, dout, dweight, dbias, scratch } = buffers;
      const u = { BT, C };
      const forward = await runner.prepare(layernormForwardSpecFor(WG), { out, mean, rstd, inp, weight, bias }, u);
      const dispatches: PreparedDispatch[] = [forward];
      if (backward) {
        // mean and rstd come from one forward run; the timed dispatches are the backward's three.
        await runner.submit([forward]);
        dispatches.length = 0;
        dispatches.push(
          await runner.prepare(layernormBackwardSpecFor(WG), { dinp: out, dout, inp, weight, mean, rstd }, u),
          await runner.prepare(layernormBackwardParamsPartialSpec, { scratch, dout, inp, mean, rstd }, u),
          await runner.prepare(layernormBackwardParamsReduceSpec, { dweight, dbias, scratch }, u),
        );
      }
      return {
        dispatches,
        destroy: () => {
          for (const d of [forward, ...dispatches]) d.uniformBuffer?.destroy();
          for (const b of Object.values(buffers)) b.destroy();
        },
      };
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const x = tf.tensor2d(randomFloats(BT * C, 1), [BT, C]);
        const w = tf.tensor1d(randomFloats(C, 2));
        const b = tf.tensor1d(randomFloats(C, 3));
        const dout = tf.tensor2d(randomFloats(BT * C, 4), [BT, C]);
        const dw = tf.zeros([C]);
        const db = tf.zeros([C]);
        const [mean, rstd] = tf.tidy(() => tfForward(tf, x, w, b).slice(1)) as [Tensor, Tensor];
        return {
          run: () =>
            tf.tidy(() => (backward ? tfBackward(tf, x, w, mean, rstd, dout, dw, db) : tfForward(tf, x, w, b))),
          destroy: () => tf.dispose([x, w, b, dout, dw, db, mean, rstd]),
        };
      },
    },
  };
}

const SMALL: Shape = { B: 4, T: 64, C: 128 };
const MEDIUM: Shape = { B: 4, T: 256, C: 768 };

/** Each at 64 invocations per row (GPUs) and 4 (CPU adapters). */
export const layernormBenches: BenchCase[] = ([64, 4] as const).flatMap((WG) => [
  layernormCase('layernorm_forward', SMALL, 'small', WG),
  layernormCase('layernorm_forward', MEDIUM, 'medium', WG),
  layernormCase('layernorm_backward', SMALL, 'small', WG),
  layernormCase('layernorm_backward', MEDIUM, 'medium', WG),
]);
