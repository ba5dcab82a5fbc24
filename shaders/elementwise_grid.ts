/**
 * Dispatch grids for kernels that give one workgroup to each block of a flat
 * range (elements, rows). WebGPU guarantees only 65535 workgroups per
 * dimension, and N = 4·1024·3072 elements is 49152 blocks of 256 — larger
 * models pass the limit. So the blocks fold into x (at most 65535) and y;
 * the WGSL recovers the block as `wid.y * nwg.x + wid.x` and masks blocks
 * past the end (the last row of the grid may be partly empty).
 */

/** Workgroups per dimension every WebGPU adapter allows. */
export const MAX_WORKGROUPS_PER_DIMENSION = 65535;

/** [x, y, 1] workgroups covering `blocks` blocks, x ≤ 65535. */
export function blockGrid(blocks: number): [number, number, number] {
  const x = Math.min(blocks, MAX_WORKGROUPS_PER_DIMENSION);
  return [x, x === 0 ? 0 : Math.ceil(blocks / x), 1];
}

/** The grid for N elements, `perGroup` elements per workgroup. */
export function elementGrid(N: number, perGroup: number): [number, number, number] {
  return blockGrid(Math.ceil(N / perGroup));
}
