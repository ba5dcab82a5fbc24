import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats, seededRandom } from '../../client/numerics/random';
import { sampleTokenSpec, sampleUniforms } from '../../shaders/sample';
import { type BenchCase, singleDispatch } from '../harness';

/**
 * sample_token over `rows` rows of V = 50257 logits: reads each row once —
 * bytes. Peer: tf.topk then tf.softmax of the top values / temperature (TF.js
 * has no on-device multinomial draw, so the peer does less than we do);
 * without truncation, tf.softmax of the whole row.
 */
function sampleCase(rows: number, V: number, topK: number, size: BenchCase['size']): BenchCase {
  const temperature = 0.8;
  return {
    kernel: 'sample_token',
    variant: topK > 0 ? `top-${topK}` : 'full',
    shape: { rows, V },
    size,
    bytes: rows * V * 4,
    setup: async (runner) => {
      const gpu = runner.gpu;
      const next = seededRandom(5);
      const buffers = {
        tokens: createStorageBuffer(gpu, 'tokens', rows),
        logits: createStorageBuffer(gpu, 'logits', randomFloats(rows * V, 1, 3)),
        coins: createStorageBuffer(
          gpu,
          'coins',
          Float32Array.from({ length: rows }, () => next()),
        ),
      };
      return singleDispatch(runner, sampleTokenSpec, buffers, sampleUniforms(rows, 0, V, V, temperature, topK));
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const logits = tf.tensor2d(randomFloats(rows * V, 1, 3), [rows, V]);
        return {
          run: () =>
            tf.tidy(() => {
              if (topK === 0) return tf.softmax(tf.div(logits, temperature));
              const { values, indices } = tf.topk(logits, topK);
              return [tf.softmax(tf.div(values, temperature)), indices];
            }),
          destroy: () => logits.dispose(),
        };
      },
    },
  };
}

export const sampleBenches: BenchCase[] = [
  sampleCase(1, 50257, 40, 'small'),
  sampleCase(1, 50257, 0, 'small'),
  sampleCase(16, 50257, 40, 'medium'),
  sampleCase(16, 50257, 0, 'medium'),
];
