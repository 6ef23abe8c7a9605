// In place, per channel (last dimension of size C): x = x·scale[c] + bias[c],
// an absent scale (hasScale = 0) meaning 1 and an absent bias 0.
struct Params {
    n: u32, C: u32, hasScale: u32, hasBias: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> scale: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.n) {
        return;
    }
    let c = i % p.C;
    var v = x[i];
    if (p.hasScale != 0u) {
        v *= scale[c];
    }
    if (p.hasBias != 0u) {
        v += bias[c];
    }
    x[i] = v;
}
