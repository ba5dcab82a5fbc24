import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats } from '../../client/numerics/random';
import { gradNormPartialCount, prepareGradNorm } from '../../shaders/grad_norm';
import type { BenchCase } from '../harness';

/**
 * grad_norm (both stages) over a flat buffer of N: memory-bound, reads the
 * gradients once — 4 bytes per element. Peer: sqrt(sum(square(g))) and the
 * clip scale min(1, max_norm / (norm + 1e-6)) as tfjs-core ops.
 */
function gradNormCase(N: number, size: BenchCase['size']): BenchCase {
  return {
    kernel: 'grad_norm',
    variant: 'two-stage',
    shape: { N },
    size,
    bytes: 4 * N,
    setup: async (runner) => {
      const gpu = runner.gpu;
      const grads = createStorageBuffer(gpu, 'grads', randomFloats(N, 1));
      const partials = createStorageBuffer(gpu, 'partials', gradNormPartialCount(N));
      const normScale = createStorageBuffer(gpu, 'norm_scale', 2);
      const dispatches = await prepareGradNorm(runner, normScale, partials, grads, N, 1);
      return {
        dispatches,
        destroy: () => {
          for (const d of dispatches) d.uniformBuffer?.destroy();
          for (const b of [grads, partials, normScale]) b.destroy();
        },
      };
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const g = tf.tensor1d(randomFloats(N, 1));
        return {
          run: () =>
            tf.tidy(() => {
              const norm = tf.sqrt(tf.sum(tf.square(g)));
              return [norm, tf.minimum(1, tf.div(1, tf.add(norm, 1e-6)))];
            }),
          destroy: () => g.dispose(),
        };
      },
    },
  };
}

export const gradNormBenches: BenchCase[] = [gradNormCase(1_000_000, 'small'), gradNormCase(10_000_000, 'medium')];
