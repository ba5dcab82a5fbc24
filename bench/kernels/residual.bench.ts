import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats } from '../../client/numerics/random';
import {
  residualAccumulateSpec,
  residualAccumulateVec4Spec,
  residualForwardSpec,
  residualForwardVec4Spec,
} from '../../shaders/residual';
import type { BenchCase } from '../harness';

/**
 * residual_forward out(N) = inp1 + inp2 vs tf.add, and residual_accumulate
 * dst += src vs tf.add (TF.js makes a new tensor; ours adds in place).
 * Memory-bound: 3 floats moved per element either way.
 */
function residualCase(
  kernel: 'residual_forward' | 'residual_accumulate',
  variant: 'scalar' | 'vec4',
  N: number,
  size: BenchCase['size'],
): BenchCase {
  const vec4 = variant === 'vec4';
  return {
    kernel,
    variant,
    shape: { N },
    size,
    bytes: 3 * N * 4,
    setup: async (runner) => {
      const a = createStorageBuffer(runner.gpu, 'a', randomFloats(N, 1));
      const b = createStorageBuffer(runner.gpu, 'b', randomFloats(N, 2));
      const out = createStorageBuffer(runner.gpu, 'out', N);
      const prepared =
        kernel === 'residual_forward'
          ? await runner.prepare(vec4 ? residualForwardVec4Spec : residualForwardSpec, { out, inp1: a, inp2: b }, { N })
          : await runner.prepare(vec4 ? residualAccumulateVec4Spec : residualAccumulateSpec, { dst: a, src: b }, { N });
      return {
        dispatches: [prepared],
        destroy: () => {
          prepared.uniformBuffer?.destroy();
          for (const buffer of [a, b, out]) buffer.destroy();
        },
      };
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const a = tf.tensor1d(randomFloats(N, 1));
        const b = tf.tensor1d(randomFloats(N, 2));
        return { run: () => tf.add(a, b), destroy: () => tf.dispose([a, b]) };
      },
    },
  };
}

// B·T·C for (B, T, C) = (4, 64, 128) and (4, 256, 768); the launchers use vec4 for these.
export const residualBenches: BenchCase[] = (['vec4', 'scalar'] as const).flatMap((variant) => [
  residualCase('residual_forward', variant, 4 * 64 * 128, 'small'),
  residualCase('residual_forward', variant, 4 * 256 * 768, 'medium'),
  residualCase('residual_accumulate', variant, 4 * 64 * 128, 'small'),
  residualCase('residual_accumulate', variant, 4 * 256 * 768, 'medium'),
]);
