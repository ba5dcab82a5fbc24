import type { KernelSpec, StorageAccess, UniformType } from './kernel';

/**
 * Reads a WGSL module's resource interface (bindings, the Params struct,
 * the workgroup size) with a few regular expressions. It is not a WGSL parser:
 * it only needs to understand the declarations our kernels are written with,
 * and it fails loudly when it cannot.
 */

export interface WgslBinding {
  group: number;
  binding: number;
  name: string;
  /** 'storage-read' | 'storage-read_write' | 'uniform' | other address spaces verbatim. */
  kind: string;
  type: string;
}

export interface WgslInterface {
  bindings: WgslBinding[];
  /** Fields of `struct Params`, in order; empty when there is none. */
  params: { name: string; type: string }[];
  /** The entry point's @workgroup_size, each entry a literal number or an override name. */
  workgroupSize: (number | string)[];
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

export function readWgslInterface(source: string): WgslInterface {
  const code = stripComments(source);
  const bindings: WgslBinding[] = [];
  const bindingPattern =
    /@group\(\s*(\d+)\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var\s*(?:<([^>]*)>)?\s*(\w+)\s*:\s*([^;]+);/g;
  for (const m of code.matchAll(bindingPattern)) {
    const space = (m[3] ?? '').split(',').map((s) => s.trim());
    const kind = space[0] === 'storage' ? `storage-${space[1] ?? 'read'}` : (space[0] ?? 'handle');
    bindings.push({
      group: Number(m[1]),
      binding: Number(m[2]),
      kind,
      name: m[4] ?? '',
      type: (m[5] ?? '').trim(),
    });
  }
  const params: { name: string; type: string }[] = [];
  const struct = /struct\s+Params\s*\{([^}]*)\}/.exec(code);
  if (struct?.[1]) {
    for (const field of struct[1].split(',')) {
      const f = /^\s*(\w+)\s*:\s*(\w+)\s*$/.exec(field);
      if (f?.[1] && f[2]) params.push({ name: f[1], type: f[2] });
    }
  }
  const wg = /@workgroup_size\(([^)]*)\)/.exec(code);
  const workgroupSize = (wg?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+u?$/.test(s) ? Number.parseInt(s, 10) : s));
  return { bindings, params, workgroupSize };
}

const accessKind: Record<StorageAccess, string> = {
  read: 'storage-read',
  read_write: 'storage-read_write',
};

/**
 * Throws, naming the first disagreement, unless the WGSL declares exactly the
 * spec's bindings (same order, names and access), its Params fields (same
 * order, names and types) and its workgroup size.
 */
export function checkSpecMatchesWgsl(spec: KernelSpec): void {
  const wgsl = readWgslInterface(spec.wgsl);
  const where = `${spec.name}.wgsl`;
  const expected: { name: string; kind: string }[] = spec.bindings.map((b) => ({
    name: b.name,
    kind: accessKind[b.access],
  }));
  if (spec.uniforms.length > 0) expected.push({ name: 'params', kind: 'uniform' });

  const found = [...wgsl.bindings].sort((a, b) => a.group - b.group || a.binding - b.binding);
  for (const [index, want] of expected.entries()) {
    const got = found.find((b) => b.group === 0 && b.binding === index);
    if (!got)
      throw new Error(
        `${where}: no @group(0) @binding(${index}); the spec expects '${want.name}' (${want.kind}) there`,
      );
    if (got.name !== want.name || got.kind !== want.kind) {
      throw new Error(
        `${where}: @binding(${index}) is '${got.name}' (${got.kind}) but the spec says '${want.name}' (${want.kind})`,
      );
    }
  }
  const extra = found.filter((b) => b.group !== 0 || b.binding >= expected.length);
  if (extra.length > 0) {
    const names = extra.map((b) => `'${b.name}' @group(${b.group}) @binding(${b.binding})`).join(', ');
    throw new Error(`${where}: bindings not in the spec: ${names}`);
  }
  if (spec.uniforms.length > 0) {
    if (!found.some((b) => b.name === 'params' && b.type === 'Params')) {
      throw new Error(`${where}: the uniform binding must be 'params: Params'`);
    }
    checkParams(where, wgsl.params, spec.uniforms);
  }
  checkWorkgroupSize(where, wgsl.workgroupSize, spec);
}

function checkParams(
  where: string,
  fields: { name: string; type: string }[],
  uniforms: readonly { name: string; type: UniformType }[],
): void {
  const got = fields.map((f) => `${f.name}: ${f.type}`).join(', ');
  const want = uniforms.map((u) => `${u.name}: ${u.type}`).join(', ');
  if (got !== want) throw new Error(`${where}: struct Params is { ${got} } but the spec says { ${want} }`);
}

function checkWorkgroupSize(where: string, declared: (number | string)[], spec: KernelSpec): void {
  const resolved = [0, 1, 2].map((i) => {
    const d = declared[i] ?? 1;
    return typeof d === 'number' ? d : spec.constants?.[d];
  });
  if (resolved.some((v, i) => v !== spec.workgroupSize[i])) {
    throw new Error(
      `${where}: @workgroup_size(${declared.join(', ')}) does not match the spec's [${spec.workgroupSize.join(', ')}]`,
    );
  }
}
