import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats } from '../../client/numerics/random';
import { adamwSpec, adamwUniforms } from '../../shaders/adamw';
import type { AdamWSettings } from '../../shaders/adamw.reference';
import { type BenchCase, singleDispatch } from '../harness';

const SETTINGS: AdamWSettings = { learningRate: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

/**
 * adamw over a flat buffer of N: memory-bound, reads params/grads/m/v and
 * writes params/m/v — 28 bytes per element. Peer: the same arithmetic as
 * tfjs-core ops (not in place: TF.js tensors are immutable).
 */
function adamwCase(N: number, size: BenchCase['size']): BenchCase {
  return {
    kernel: 'adamw',
    variant: 'elementwise',
    shape: { N },
    size,
    bytes: 28 * N,
    setup: async (runner) => {
      const gpu = runner.gpu;
      const buffers = {
        params_memory: createStorageBuffer(gpu, 'params', randomFloats(N, 1)),
        grads_memory: createStorageBuffer(gpu, 'grads', randomFloats(N, 2)),
        m_memory: createStorageBuffer(gpu, 'm', N),
        v_memory: createStorageBuffer(gpu, 'v', N),
        norm_scale: createStorageBuffer(gpu, 'norm_scale', new Float32Array([1, 1])),
      };
      return singleDispatch(runner, adamwSpec, buffers, adamwUniforms(N, SETTINGS, 10, true));
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const p = tf.tensor1d(randomFloats(N, 1));
        const g = tf.tensor1d(randomFloats(N, 2));
        const m = tf.zeros([N]);
        const v = tf.zeros([N]);
        const s = SETTINGS;
        const [bc1, bc2] = [1 - s.beta1 ** 10, 1 - s.beta2 ** 10];
        return {
          run: () =>
            tf.tidy(() => {
              const m2 = tf.add(tf.mul(m, s.beta1), tf.mul(g, 1 - s.beta1));
              const v2 = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(g), 1 - s.beta2));
              const update = tf.div(tf.div(m2, bc1), tf.add(tf.sqrt(tf.div(v2, bc2)), s.eps));
              const p2 = tf.sub(p, tf.mul(tf.add(update, tf.mul(p, s.weightDecay)), s.learningRate));
              return [p2, m2, v2];
            }),
          destroy: () => tf.dispose([p, g, m, v]),
        };
      },
    },
  };
}

export const adamwBenches: BenchCase[] = [adamwCase(1_000_000, 'small'), adamwCase(10_000_000, 'medium')];
