import { createStorageBuffer } from '../../client/gpu/buffers';
import { randomFloats } from '../../client/numerics/random';
import {
  MATMUL_FORWARD_VARIANTS,
  type MatmulForwardVariant,
  matmulForwardUniforms,
} from '../../shaders/matmul_forward';
import type { BenchCase, PeerCase } from '../harness';

/** tf.matMul(inp, weight, false, true): the same out(BT,OC) = inp(BT,C)·weight(OC,C)ᵀ on the same device. */
function peer(BT: number, C: number, OC: number): PeerCase {
  return {
    name: 'tfjs-webgpu',
    setup: (tf) => {
      const inp = tf.tensor2d(randomFloats(BT * C, 1), [BT, C]);
      const weight = tf.tensor2d(randomFloats(OC * C, 2), [OC, C]);
      return {
        run: () => tf.matMul(inp, weight, false, true),
        destroy: () => tf.dispose([inp, weight]),
      };
    },
  };
}

/** One forward variant at M = N = K = n, no bias (as the peer). */
function matmulCase(variant: MatmulForwardVariant, n: number, size: BenchCase['size']): BenchCase {
  const [BT, C, OC] = [n, n, n];
  return {
    kernel: 'matmul_forward',
    variant,
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
      const spec = MATMUL_FORWARD_VARIANTS[variant].spec;
      const prepared = await runner.prepare(spec, buffers, matmulForwardUniforms(null, BT, C, OC));
      return {
        dispatches: [prepared],
        destroy: () => {
          prepared.uniformBuffer?.destroy();
          for (const b of [buffers.out, buffers.inp, buffers.weight]) b.destroy();
        },
      };
    },
    peer: peer(BT, C, OC),
  };
}

const SIZES: [number, BenchCase['size']][] = [
  [128, 'small'],
  [512, 'medium'],
  [1024, 'medium'],
];

/** Every forward variant at every size (all sizes are multiples of 4, so direct_vec4 runs too). */
export const matmulForwardBenches: BenchCase[] = SIZES.flatMap(([n, size]) =>
  (Object.keys(MATMUL_FORWARD_VARIANTS) as MatmulForwardVariant[]).map((v) => matmulCase(v, n, size)),
);
