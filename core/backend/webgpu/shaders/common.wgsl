// Prepended to every Visage kernel. One-thread-per-output kernels run in
// workgroups of 64 on a grid folded into two dimensions (see grid in
// plan.go); flatIndex recovers the thread's output index.
const GROUP: u32 = 64u;

fn flatIndex(gid: vec3u, groups: vec3u) -> u32 {
    return gid.x + gid.y * groups.x * GROUP;
}

// LOWEST is the most negative finite f32, the start of a running maximum.
const LOWEST: f32 = bitcast<f32>(0xff7fffffu);

// activate applies a fused epilogue's activation: act 0 none, 1 ReLU
// max(v, 0), 2 ReLU6 min(max(v, 0), 6).
fn activate(v: f32, act: u32) -> f32 {
    switch act {
        case 1u: { return max(v, 0.0); }
        case 2u: { return min(max(v, 0.0), 6.0); }
        default: { return v; }
    }
}
