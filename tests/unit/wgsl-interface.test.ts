import { describe, expect, it } from 'vitest';
import type { KernelSpec } from '../../client/gpu/kernel';
import { checkSpecMatchesWgsl, readWgslInterface } from '../../client/gpu/wgsl-interface';
import { matmulForwardSpec } from '../../shaders/matmul_forward';

const spec = matmulForwardSpec as unknown as KernelSpec;

describe('WGSL interface vs the TypeScript spec', () => {
  it('reads the bindings, Params and workgroup size of matmul_forward.wgsl', () => {
    const wgsl = readWgslInterface(spec.wgsl);
    expect(wgsl.bindings.map((b) => `${b.binding}:${b.name}:${b.kind}`)).toEqual([
      '0:out:storage-read_write',
      '1:inp:storage-read',
      '2:weight:storage-read',
      '3:bias:storage-read',
      '4:params:uniform',
    ]);
    expect(wgsl.params).toEqual([
      { name: 'BT', type: 'u32' },
      { name: 'C', type: 'u32' },
      { name: 'OC', type: 'u32' },
      { name: 'has_bias', type: 'u32' },
    ]);
    expect(wgsl.workgroupSize).toEqual([16, 16, 1]);
  });

  it('accepts the shipped spec', () => {
    expect(() => checkSpecMatchesWgsl(spec)).not.toThrow();
  });

  it('fails when someone reorders a binding in the WGSL', () => {
    const swapped = spec.wgsl
      .replace('@binding(1) var<storage, read> inp', '@binding(9) var<storage, read> inp')
      .replace('@binding(2) var<storage, read> weight', '@binding(1) var<storage, read> weight')
      .replace('@binding(9) var<storage, read> inp', '@binding(2) var<storage, read> inp');
    expect(() => checkSpecMatchesWgsl({ ...spec, wgsl: swapped })).toThrow(
      "matmul_forward.wgsl: @binding(1) is 'weight' (storage-read) but the spec says 'inp' (storage-read)",
    );
  });

  it('fails when the spec reorders bindings or changes access', () => {
    const [out, inp, weight, bias] = spec.bindings;
    if (!out || !inp || !weight || !bias) throw new Error('matmul spec has four bindings');
    expect(() => checkSpecMatchesWgsl({ ...spec, bindings: [out, weight, inp, bias] })).toThrow(
      /@binding\(1\) is 'inp'/,
    );
    expect(() => checkSpecMatchesWgsl({ ...spec, bindings: [{ ...out, access: 'read' }, inp, weight, bias] })).toThrow(
      /@binding\(0\) is 'out' \(storage-read_write\) but the spec says 'out' \(storage-read\)/,
    );
    expect(() => checkSpecMatchesWgsl({ ...spec, bindings: [out, inp, weight] })).toThrow(/@binding\(3\) is 'bias'/);
  });

  it('fails when Params fields or the workgroup size disagree', () => {
    const [BT, C, OC, hasBias] = spec.uniforms;
    if (!BT || !C || !OC || !hasBias) throw new Error('matmul spec has four uniforms');
    expect(() => checkSpecMatchesWgsl({ ...spec, uniforms: [C, BT, OC, hasBias] })).toThrow(
      /struct Params is \{ BT: u32, C: u32/,
    );
    expect(() => checkSpecMatchesWgsl({ ...spec, uniforms: [BT, C, OC, { ...hasBias, type: 'f32' }] })).toThrow(
      /has_bias: f32/,
    );
    expect(() => checkSpecMatchesWgsl({ ...spec, workgroupSize: [8, 8, 1] })).toThrow(
      /@workgroup_size\(16, 16, 1\) does not match/,
    );
  });

  it('reports bindings the spec does not know and ignores commented-out code', () => {
    const extra = `${spec.wgsl}\n@group(0) @binding(7) var<storage, read> stray: array<f32>;`;
    expect(() => checkSpecMatchesWgsl({ ...spec, wgsl: extra })).toThrow(/bindings not in the spec: 'stray'/);
    const commented = `${spec.wgsl}\n// @group(0) @binding(7) var<storage, read> stray: array<f32>;`;
    expect(() => checkSpecMatchesWgsl({ ...spec, wgsl: commented })).not.toThrow();
  });

  it('resolves an override-constant workgroup size through spec.constants', () => {
    const wgsl = spec.wgsl.replace('@workgroup_size(16, 16, 1)', '@workgroup_size(TILE, TILE, 1)');
    expect(() => checkSpecMatchesWgsl({ ...spec, wgsl, constants: { TILE: 16 } })).not.toThrow();
    expect(() => checkSpecMatchesWgsl({ ...spec, wgsl, constants: { TILE: 8 } })).toThrow(/does not match/);
  });
});
