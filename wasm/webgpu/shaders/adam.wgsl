// One Adam step, in place on param, m and v:
//   m = β1·m + (1−β1)·g,  v = β2·v + (1−β2)·g²,
//   param −= lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε).
// The bias corrections 1−β^t are computed on the CPU and passed in.
struct Params {
    n: u32, lr: f32, beta1: f32, beta2: f32, eps: f32, correction1: f32, correction2: f32,
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
    param[i] -= p.lr * (mi / p.correction1) / (sqrt(vi / p.correction2) + p.eps);
}
