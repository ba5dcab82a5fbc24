import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats, seededRandom } from '../../client/numerics/random';
import { encoderForwardSpec, prepareEncoderBackward } from '../../shaders/encoder';
import { encoderBucketSlots } from '../../shaders/encoder_buckets';
import { type BenchCase, singleDispatch } from '../harness';

/**
 * encoder_forward out(B,T,C) = wte[inp] + wpe vs tf.gather + tf.add, and
 * encoder_backward (the wte and wpe kernels together) vs
 * tf.unsortedSegmentSum(dout, inp, V) and tf.sum(dout, 0), each added to the
 * existing gradient. The backward's CPU bucketing and its upload are not in
 * the timed part (they are done once in setup); see encoder_buckets.ts.
 * Memory-bound: bytes count each distinct buffer region once.
 */

type Shape = { B: number; T: number; C: number; V: number };

/** Text-like ids: 30% on 16 common tokens (long buckets), the rest uniform over V. */
function tokens(BT: number, V: number): Uint32Array {
  const next = seededRandom(7);
  return Uint32Array.from({ length: BT }, () => (next() < 0.3 ? Math.floor(next() * 16) : Math.floor(next() * V)));
}

function distinct(inp: Uint32Array): number {
  return new Set(inp).size;
}

function forwardCase(s: Shape, size: BenchCase['size']): BenchCase {
  const { B, T, C, V } = s;
  const BT = B * T;
  const inp = tokens(BT, V);
  return {
    kernel: 'encoder_forward',
    variant: 'element',
    shape: s,
    size,
    // out and the wte rows used, the wpe rows, the ids.
    bytes: (BT * C + distinct(inp) * C + T * C + BT) * 4,
    setup: async (runner) => {
      const gpu = runner.gpu;
      const buffers = {
        out: createStorageBuffer(gpu, 'out', BT * C),
        inp: createStorageBuffer(gpu, 'inp', inp),
        wte: createStorageBuffer(gpu, 'wte', randomFloats(V * C, 1)),
        wpe: createStorageBuffer(gpu, 'wpe', randomFloats(T * C, 2)),
      };
      return singleDispatch(runner, encoderForwardSpec, buffers, { B, T, C, V });
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const ids = tf.tensor1d(Int32Array.from(inp), 'int32');
        const wte = tf.tensor2d(randomFloats(V * C, 1), [V, C]);
        const wpe = tf.tensor2d(randomFloats(T * C, 2), [T, C]);
        return {
          run: () => tf.tidy(() => tf.add(tf.reshape(tf.gather(wte, ids), [B, T, C]), wpe)),
          destroy: () => tf.dispose([ids, wte, wpe]),
        };
      },
    },
  };
}

function backwardCase(s: Shape, size: BenchCase['size']): BenchCase {
  const { B, T, C, V } = s;
  const BT = B * T;
  const inp = tokens(BT, V);
  return {
    kernel: 'encoder_backward',
    variant: 'cpu-buckets',
    shape: s,
    size,
    // dout once, the dwte rows touched and dwpe read and written, positions and buckets.
    bytes: (BT * C + 2 * distinct(inp) * C + 2 * T * C + BT + 3 * encoderBucketSlots(BT, V)) * 4,
    setup: async (runner) => {
      const gpu = runner.gpu;
      const buffers = {
        dwte: createStorageBuffer(gpu, 'dwte', V * C),
        dwpe: createStorageBuffer(gpu, 'dwpe', T * C),
        dout: createStorageBuffer(gpu, 'dout', randomFloats(BT * C, 3)),
      };
      const plan = await prepareEncoderBackward(runner, buffers.dwte, buffers.dwpe, buffers.dout, B, T, C, V);
      plan.setTokens(inp);
      return {
        dispatches: plan.dispatches,
        destroy: () => {
          plan.destroy();
          for (const b of Object.values(buffers)) b.destroy();
        },
      };
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const ids = tf.tensor1d(Int32Array.from(inp), 'int32');
        const dout = tf.tensor2d(randomFloats(BT * C, 3), [BT, C]);
        const dwte = tf.zeros([V, C]);
        const dwpe = tf.zeros([T, C]);
        return {
          run: () =>
            tf.tidy(() => [
              tf.add(dwte, tf.unsortedSegmentSum(dout, ids, V)),
              tf.add(dwpe, tf.sum(tf.reshape(dout, [B, T, C]), 0)),
            ]),
          destroy: () => tf.dispose([ids, dout, dwte, dwpe]),
        };
      },
    },
  };
}

const SMALL: Shape = { B: 4, T: 64, C: 128, V: 256 };
// GPT-2's C; a vocabulary whose wte (25 MB) fits SwiftShader's 128 MiB binding limit.
const MEDIUM: Shape = { B: 4, T: 256, C: 768, V: 8192 };

export const encoderBenches: BenchCase[] = [
  forwardCase(SMALL, 'small'),
  forwardCase(MEDIUM, 'medium'),
  backwardCase(SMALL, 'small'),
  backwardCase(MEDIUM, 'medium'),
];
