import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../client/gpu/device';
import { KernelRunner } from '../../client/gpu/runner';
import { kernelSpecs } from '../../shaders/index';
import { testGpu } from './gpu-context';

let gpu: GpuContext;
let runner: KernelRunner;

beforeAll(async () => {
  gpu = await testGpu();
  runner = new KernelRunner(gpu);
});
afterAll(() => gpu?.destroy());

describe('every kernel in the library compiles on this adapter', () => {
  for (const spec of kernelSpecs) {
    it(spec.name, async () => {
      const compiled = await runner.compile(spec);
      expect(compiled.pipeline).toBeDefined();
      gpu.throwIfFailed();
    });
  }
});
