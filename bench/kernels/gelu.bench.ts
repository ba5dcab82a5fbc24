import type { Tensor } from '@tensorflow/tfjs-core';
import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats } from '../../client/numerics/random';
import { geluBackwardSpec, geluForwardSpec } from '../../shaders/gelu';
import type { BenchCase } from '../harness';
import type { Tfjs } from '../tfjs-peer';

/**
 * gelu_forward out(N) = gelu(inp) and gelu_backward dinp(N) = gelu'(inp)·dout,
 * N = B·T·4C, vs the same tanh formula composed from TF.js ops (TF.js's own
 * tf.gelu is not in tfjs-core 4.22). Memory-bound: 2 (forward) or 3 (backward)
 * floats per element.
 */

const S = Math.sqrt(2 / Math.PI);

function tfGelu(tf: Tfjs, x: Tensor): Tensor {
  const u = tf.mul(tf.add(x, tf.mul(0.044715, tf.pow(x, 3))), S);
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(u)));
}

function tfGeluBackward(tf: Tfjs, x: Tensor, dout: Tensor): Tensor {
  const x2 = tf.square(x);
  const t = tf.tanh(tf.mul(tf.mul(x, tf.add(1, tf.mul(0.044715, x2))), S));
  const sech2 = tf.sub(1, tf.square(t));
  const inner = tf.mul(tf.mul(sech2, S), tf.add(1, tf.mul(3 * 0.044715, x2)));
  const local = tf.add(tf.mul(0.5, tf.add(1, t)), tf.mul(tf.mul(0.5, x), inner));
  return tf.mul(local, dout);
}

function geluCase(kernel: 'gelu_forward' | 'gelu_backward', N: number, size: BenchCase['size']): BenchCase {
  const backward = kernel === 'gelu_backward';
  return {
    kernel,
    variant: 'stable-tanh',
    shape: { N },
    size,
    bytes: (backward ? 3 : 2) * N * 4,
    setup: async (runner) => {
      const inp = createStorageBuffer(runner.gpu, 'inp', randomFloats(N, 1, 4));
      const dout = createStorageBuffer(runner.gpu, 'dout', randomFloats(N, 2));
      const out = createStorageBuffer(runner.gpu, 'out', N);
      const prepared = backward
        ? await runner.prepare(geluBackwardSpec, { dinp: out, inp, dout }, { N })
        : await runner.prepare(geluForwardSpec, { out, inp }, { N });
      return {
        dispatches: [prepared],
        destroy: () => {
          prepared.uniformBuffer?.destroy();
          for (const buffer of [inp, dout, out]) buffer.destroy();
        },
      };
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const x = tf.tensor1d(randomFloats(N, 1, 4));
        const dout = tf.tensor1d(randomFloats(N, 2));
        return {
          run: () => tf.tidy(() => (backward ? tfGeluBackward(tf, x, dout) : tfGelu(tf, x))),
          destroy: () => tf.dispose([x, dout]),
        };
      },
    },
  };
}

// B·T·4C for (B, T, C) = (4, 64, 128) and (4, 256, 768).
export const geluBenches: BenchCase[] = [
  geluCase('gelu_forward', 4 * 64 * 4 * 128, 'small'),
  geluCase('gelu_forward', 4 * 256 * 4 * 768, 'medium'),
  geluCase('gelu_backward', 4 * 64 * 4 * 128, 'small'),
  geluCase('gelu_backward', 4 * 256 * 4 * 768, 'medium'),
];
