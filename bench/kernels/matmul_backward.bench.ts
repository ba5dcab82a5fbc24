import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats } from '../../client/numerics/random';
import { type MatmulBackwardVariant, prepareMatmulBackward } from '../../shaders/matmul_backward';
import type { BenchCase } from '../harness';

/**
 * matmul_backward at BT = C = OC = n with dbias: dinp = dout·weight,
 * dweight += doutᵀ·inp, dbias += Σ dout. Peer: the same two tf.matMul calls
 * and tf.sum on the same device (it returns new tensors; ours accumulates).
 */
function backwardCase(variant: MatmulBackwardVariant, n: number, size: BenchCase['size']): BenchCase {
  const [BT, C, OC] = [n, n, n];
  return {
    kernel: 'matmul_backward',
    variant,
    shape: { BT, C, OC },
    size,
    flops: 2 * (2 * BT * C * OC) + BT * OC,
    setup: async (runner) => {
      const gpu = runner.gpu;
      const buffers = [
        createStorageBuffer(gpu, 'dinp', BT * C),
        createStorageBuffer(gpu, 'dweight', OC * C),
        createStorageBuffer(gpu, 'dbias', OC),
        createStorageBuffer(gpu, 'dout', randomFloats(BT * OC, 1)),
        createStorageBuffer(gpu, 'inp', randomFloats(BT * C, 2)),
        createStorageBuffer(gpu, 'weight', randomFloats(OC * C, 3)),
      ] as const;
      const dispatches = await prepareMatmulBackward(runner, ...buffers, BT, C, OC, variant);
      return {
        dispatches,
        destroy: () => {
          for (const d of dispatches) d.uniformBuffer?.destroy();
          for (const b of buffers) b.destroy();
        },
      };
    },
    peer: {
      name: 'tfjs-webgpu',
      setup: (tf) => {
        const dout = tf.tensor2d(randomFloats(BT * OC, 1), [BT, OC]);
        const inp = tf.tensor2d(randomFloats(BT * C, 2), [BT, C]);
        const weight = tf.tensor2d(randomFloats(OC * C, 3), [OC, C]);
        return {
          run: () => [tf.matMul(dout, weight), tf.matMul(dout, inp, true, false), tf.sum(dout, 0)],
          destroy: () => tf.dispose([dout, inp, weight]),
        };
      },
    },
  };
}

/** Both variants (scalar loads, vec4 loads) at every size. */
export const matmulBackwardBenches: BenchCase[] = (
  [
    [128, 'small'],
    [512, 'medium'],
    [1024, 'medium'],
  ] as const
).flatMap(([n, size]) => (['scalar', 'vec4'] as const).map((v) => backwardCase(v, n, size)));
