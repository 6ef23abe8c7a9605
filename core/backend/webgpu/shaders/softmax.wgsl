// Softmax along the last dimension: one thread per row of len values,
// exp(v − max) / Σ exp(v − max). In place (xIsOut) the row is read from
// out, and a stand-in is bound for x.
struct Params {
    rows: u32, len: u32, xIsOut: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;

fn value(i: u32) -> f32 {
    if (p.xIsOut == 1u) {
        return out[i];
    }
    return x[i];
}

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let row = flatIndex(gid, groups);
    if (row >= p.rows) {
        return;
    }
    let base = row * p.len;
    var m = LOWEST;
    for (var j = 0u; j < p.len; j++) {
        m = max(m, value(base + j));
    }
    var sum = 0.0;
    for (var j = 0u; j < p.len; j++) {
        let e = exp(value(base + j) - m);
        out[base + j] = e;
        sum += e;
    }
    let inv = 1.0 / sum;
    for (var j = 0u; j < p.len; j++) {
        out[base + j] = out[base + j] * inv;
    }
}
