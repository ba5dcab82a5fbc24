import { Autotuner, adapterKey, powerOfTwoBucket } from '../client/gpu/autotune';
import { createStorageBuffer } from '../client/gpu/buffers';
import type { KernelRunner } from '../client/gpu/runner';
import { type LayernormWorkgroupSize, layernormForwardSpecFor } from './layernorm';

/**
 * Invocations per layernorm row (4 or 64), measured on this adapter for a
 * shape bucket and cached, as matmul_select.ts does for matmul variants:
 * CPU adapters pay per invocation at every barrier and want 4, GPUs want 64.
 * The forward is timed; the backward has the same structure and follows it.
 */
export const defaultLayernormTuner = new Autotuner();

export async function chooseLayernormWorkgroup(
  runner: KernelRunner,
  BT: number,
  C: number,
  tuner: Autotuner = defaultLayernormTuner,
): Promise<LayernormWorkgroupSize> {
  const key = `${adapterKey(runner.gpu)}|layernorm|BT${powerOfTwoBucket(BT)}.C${powerOfTwoBucket(C)}`;
  const name = await tuner.choose(key, async () => {
    const gpu = runner.gpu;
    const buffers = {
      out: createStorageBuffer(gpu, 'autotune out', BT * C),
      mean: createStorageBuffer(gpu, 'autotune mean', BT),
      rstd: createStorageBuffer(gpu, 'autotune rstd', BT),
      inp: createStorageBuffer(gpu, 'autotune inp', BT * C),
      weight: createStorageBuffer(gpu, 'autotune weight', C),
      bias: createStorageBuffer(gpu, 'autotune bias', C),
    };
    const sizes: LayernormWorkgroupSize[] = [4, 64];
    const prepared = await Promise.all(
      sizes.map((wg) => runner.prepare(layernormForwardSpecFor(wg), buffers, { BT, C })),
    );
    return {
      candidates: sizes.map((wg, i) => ({
        name: String(wg),
        run: async () => {
          await runner.submit([prepared[i] as (typeof prepared)[number]]);
          await runner.device.queue.onSubmittedWorkDone();
        },
      })),
      destroy: () => {
        for (const p of prepared) p.uniformBuffer?.destroy();
        for (const b of Object.values(buffers)) b.destroy();
      },
    };
  });
  return Number(name) as LayernormWorkgroupSize;
}
