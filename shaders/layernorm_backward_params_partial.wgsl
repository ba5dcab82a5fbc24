// layernorm_backward_params_partial: first of two passes that give
//   dweight(C) += Σ_{b,t} dout · norm,  dbias(C) += Σ_{b,t} dout
// with norm = (inp - mean) · rstd. Summing over B·T rows without float
// atomics, in a fixed order: this pass sums each block of ROWS consecutive
// rows per channel into scratch(blocks, 2, C) (row 2k: dweight part, row
// 2k+1: dbias part, blocks = ceil(B·T / ROWS)); layernorm_backward_params_
// reduce then adds the blocks in order into dweight and dbias.
//
// Tiling: one invocation per (block, channel); workgroups of 64 consecutive
// channels (x) of one block (y), so each row's reads are consecutive.
// Channels past C are masked. blocks ≤ 65535 means B·T ≤ 2 M rows.

struct Params {
  BT: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(1) var<storage, read> dout: array<f32>;
@group(0) @binding(2) var<storage, read> inp: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

const ROWS: u32 = 32u; // rows per block; layernorm.ts's LAYERNORM_ROWS_PER_BLOCK

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let C = params.C;
  let c = id.x;
  let block = id.y;
  if (c >= C) {
    return;
  }
  let first = block * ROWS;
  let last = min(first + ROWS, params.BT);
  var dw = 0.0;
  var db = 0.0;
  for (var row = first; row < last; row++) {
    let d = dout[row * C + c];
    dw += d * (inp[row * C + c] - mean[row]) * rstd[row];
    db += d;
  }
  scratch[(2u * block) * C + c] = dw;
  scratch[(2u * block + 1u) * C + c] = db;
}
