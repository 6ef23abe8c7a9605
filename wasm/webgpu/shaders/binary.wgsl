// Element-wise binary op into a new tensor: mode 0 out = a + b;
// mode 1 (ReLU backward, a = dy, b = the ReLU's output) out = a where b > 0,
// else 0.
struct Params {
    n: u32, mode: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.n) {
        return;
    }
    if (p.mode == 0u) {
        out[i] = a[i] + b[i];
    } else {
        out[i] = select(0.0, a[i], b[i] > 0.0);
    }
}
