import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSpecMatchesWgsl } from '../../client/gpu/wgsl-interface';
import { kernelSpecs } from '../../shaders/index';

const shadersDir = new URL('../../shaders/', import.meta.url);

describe('the kernel registry (shaders/index.ts)', () => {
  it('holds every .wgsl file in shaders/ through at least one spec', () => {
    const files = readdirSync(shadersDir).filter((f) => f.endsWith('.wgsl'));
    expect(files.length).toBeGreaterThan(0);
    const registered = new Set(kernelSpecs.map((s) => s.wgsl));
    const orphans = files.filter((f) => !registered.has(readFileSync(new URL(f, shadersDir), 'utf8')));
    expect(orphans, `WGSL files with no spec in shaders/index.ts: ${orphans.join(', ')}`).toEqual([]);
  });

  it('gives every spec a unique name', () => {
    const names = kernelSpecs.map((s) => s.name);
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    expect(repeated).toEqual([]);
  });

  for (const spec of kernelSpecs) {
    it(`${spec.name}: bindings and Params match its WGSL, within SwiftShader's limits`, () => {
      expect(() => checkSpecMatchesWgsl(spec)).not.toThrow();
      // SwiftShader allows 10 storage buffers per stage and 256 invocations per workgroup.
      expect(spec.bindings.length).toBeLessThanOrEqual(8);
      const [x, y, z] = spec.workgroupSize;
      expect(x * y * z).toBeLessThanOrEqual(256);
    });
  }
});
