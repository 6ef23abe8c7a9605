// In-place activation: mode 0 ReLU max(x,0); 1 clamp to [lo, hi] (ReLU6 is
// [0, 6]); 2 leaky ReLU (x if x ≥ 0, else alpha·x, alpha passed as lo).
struct Params {
    n: u32, mode: u32, lo: f32, hi: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.n) {
        return;
    }
    let v = x[i];
    switch p.mode {
        case 0u: { x[i] = max(v, 0.0); }
        case 1u: { x[i] = clamp(v, p.lo, p.hi); }
        default: { x[i] = select(p.lo * v, v, v >= 0.0); }
    }
}
