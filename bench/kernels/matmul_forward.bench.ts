import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats } from '../../client/numerics/random';
import { matmulForwardSpec } from '../../shaders/matmul_forward';
import type { BenchCase } from '../harness';

/** matmul_forward out(BT,OC) = inp(BT,C)·weight(OC,C)ᵀ, vs tf.matMul(inp, weight, false, true). */
function matmulCase(n: number, size: BenchCase['size']): BenchCase {
  const [BT, C, OC] = [n, n, n];
  return {
    kernel: 'matmul_forward',
    variant: 'naive',
    shape: { BT, C, OC },
    size,
    flops: 2 * BT * C * OC,
    setup: async (runner) => {
      const buffers = {
        out: createStorageBuffer(runner.gpu, 'out', BT * OC),
        inp: createStorageBuffer(runner.gpu, 'inp', randomFloats(BT * C, 1)),
        weight: createStorageBuffer(runner.gpu, 'weight', randomFloats(OC * C, 2)),
        bias: null,
      };
      const prepared = await runner.prepare(matmulForwardSpec, buffers, { BT, C, OC, has_bias: 0 });
      return {
        dispatches: [prepared],
        destroy: () => {
          prepared.uniformBuffer?.destroy();
          for (const b of [buffers.out, buffers.inp, buffers.weight]) b.destroy();
        },
      };
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const inp = tf.tensor2d(randomFloats(BT * C, 1), [BT, C]);
        const weight = tf.tensor2d(randomFloats(OC * C, 2), [OC, C]);
        return {
          run: () => tf.matMul(inp, weight, false, true),
          destroy: () => tf.dispose([inp, weight]),
        };
      },
    },
  };
}

export const matmulForwardBenches: BenchCase[] = [
  matmulCase(128, 'small'),
  matmulCase(512, 'medium'),
  matmulCase(1024, 'medium'),
];
