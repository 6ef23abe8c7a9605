// One Adam step, the rule of visage/core/ops's AdamStep (TensorFlow 1's
// AdamOptimizer form) with float32 moments, in place on param, m and v:
//   m = β1·m + (1−β1)·g,  v = β2·v + (1−β2)·g²,
//   param −= lrT · m / (sqrt(v) + ε),
// where lrT is ops.Adam's Rate(t), lr·√(1−β2ᵗ)/(1−β1ᵗ), computed on the CPU
// in float64 (Device.AdamStep).
struct Params {
    n: u32, lrT: f32, beta1: f32, beta2: f32, eps: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.n) {
        return;
    }
    let g = grad[i];
    let mi = p.beta1 * m[i] + (1.0 - p.beta1) * g;
    let vi = p.beta2 * v[i] + (1.0 - p.beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= p.lrT * mi / (sqrt(vi) + p.eps);
}
