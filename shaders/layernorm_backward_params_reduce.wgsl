// layernorm_backward_params_reduce: second pass of the parameter gradients,
//   dweight(C) += Σ_k scratch[2k, c],  dbias(C) += Σ_k scratch[2k+1, c]
// over the blocks k = 0, 1, ... in order (deterministic). dweight and dbias
// are parameter gradients, so they ACCUMULATE. See
// layernorm_backward_params_partial.wgsl for scratch(blocks, 2, C).
//
// Tiling: one invocation per channel, 64 per workgroup; channels past C are
// masked.

struct Params {
  BT: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read_write> dweight: array<f32>;
@group(0) @binding(1) var<storage, read_write> dbias: array<f32>;
@group(0) @binding(2) var<storage, read> scratch: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

const ROWS: u32 = 32u; // rows per block, as in the partial pass

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let C = params.C;
  let c = id.x;
  if (c >= C) {
    return;
  }
  let blocks = (params.BT + ROWS - 1u) / ROWS;
  var dw = 0.0;
  var db = 0.0;
  for (var k = 0u; k < blocks; k++) {
    dw += scratch[(2u * k) * C + c];
    db += scratch[(2u * k + 1u) * C + c];
  }
  dweight[c] += dw;
  dbias[c] += db;
}
