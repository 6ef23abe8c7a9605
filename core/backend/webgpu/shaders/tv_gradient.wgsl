// Adds scale · dJ/dx to grad in place, for J = Σ over the pairs of [H,W,C]
// cells one row or one column apart of (x_next − x_this)²: each cell
// gathers 2·(x_this − x_next) from the pairs it starts and 2·(x_this −
// x_prev) from those it ends. art.TotalVariation's gradient is this with
// scale = 1/(H·W·C).
struct Params {
    H: u32, W: u32, C: u32, scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.H * p.W * p.C) {
        return;
    }
    let col = (i / p.C) % p.W;
    let row = i / (p.C * p.W);
    let rowStep = p.W * p.C;
    var g = 0.0;
    if (row + 1u < p.H) {
        g += x[i] - x[i + rowStep];
    }
    if (row > 0u) {
        g += x[i] - x[i - rowStep];
    }
    if (col + 1u < p.W) {
        g += x[i] - x[i + p.C];
    }
    if (col > 0u) {
        g += x[i] - x[i - p.C];
    }
    grad[i] += p.scale * 2.0 * g;
}
