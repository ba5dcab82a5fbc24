import { Autotuner, adapterKey, type Candidate, powerOfTwoBucket } from '../client/gpu/autotune';
import { createStorageBuffer } from '../client/gpu/buffers';
import type { KernelRunner } from '../client/gpu/runner';
import {
  MATMUL_FORWARD_VARIANTS,
  type MatmulForwardVariant,
  matmulForwardUniforms,
  matmulForwardVariant,
} from './matmul_forward';

/**
 * Picks the fastest matmul_forward variant for an adapter and shape by timing
 * them all on that adapter (see client/gpu/autotune.ts). Shapes are bucketed
 * by rounding BT, C and OC up to powers of two, plus bias and C % 4 (which
 * decides whether direct_vec4 may run): the first shape of a bucket is
 * measured, and its choice serves the whole bucket.
 */

export interface MatmulForwardShape {
  BT: number;
  C: number;
  OC: number;
  bias: boolean;
}

/** The tuner every call shares unless one is passed (tests pass their own, with a fake timer). */
export const defaultMatmulTuner = new Autotuner();

/** Cache key part for a shape: its bucket. */
export function matmulForwardBucket({ BT, C, OC, bias }: MatmulForwardShape): string {
  const b = powerOfTwoBucket;
  return `BT${b(BT)}.C${b(C)}.OC${b(OC)}${bias ? '.bias' : ''}${C % 4 === 0 ? '.c4' : ''}`;
}

/** The variant to use on this runner's adapter for this shape; measured on first use of a bucket. */
export async function chooseMatmulForward(
  runner: KernelRunner,
  shape: MatmulForwardShape,
  tuner: Autotuner = defaultMatmulTuner,
): Promise<MatmulForwardVariant> {
  const key = `${adapterKey(runner.gpu)}|matmul_forward|${matmulForwardBucket(shape)}`;
  const name = await tuner.choose(key, async () => {
    const { BT, C, OC } = shape;
    // Scratch buffers of this shape: every variant writes all of `out`.
    const gpu = runner.gpu;
    const out = createStorageBuffer(gpu, 'autotune out', BT * OC);
    const inp = createStorageBuffer(gpu, 'autotune inp', BT * C);
    const weight = createStorageBuffer(gpu, 'autotune weight', OC * C);
    const bias = shape.bias ? createStorageBuffer(gpu, 'autotune bias', OC) : null;
    const variants = (Object.keys(MATMUL_FORWARD_VARIANTS) as MatmulForwardVariant[]).filter((v) =>
      MATMUL_FORWARD_VARIANTS[v].supports(C),
    );
    const prepared = await Promise.all(
      variants.map((v) =>
        runner.prepare(
          MATMUL_FORWARD_VARIANTS[v].spec,
          { out, inp, weight, bias },
          matmulForwardUniforms(bias, BT, C, OC),
        ),
      ),
    );
    const candidates: Candidate[] = variants.map((name, i) => ({
      name,
      run: async () => {
        await runner.submit([prepared[i] as (typeof prepared)[number]]);
        await runner.device.queue.onSubmittedWorkDone();
      },
    }));
    return {
      candidates,
      destroy: () => {
        for (const p of prepared) p.uniformBuffer?.destroy();
        for (const b of [out, inp, weight, bias]) b?.destroy();
      },
    };
  });
  return name as MatmulForwardVariant;
}

/** matmulForward with the measured-fastest variant; same signature plus an optional tuner. */
export async function matmulForwardAuto(
  runner: KernelRunner,
  out: GPUBuffer,
  inp: GPUBuffer,
  weight: GPUBuffer,
  bias: GPUBuffer | null,
  BT: number,
  C: number,
  OC: number,
  tuner: Autotuner = defaultMatmulTuner,
): Promise<void> {
  const variant = await chooseMatmulForward(runner, { BT, C, OC, bias: bias !== null }, tuner);
  return matmulForwardVariant(variant, runner, out, inp, weight, bias, BT, C, OC);
}
