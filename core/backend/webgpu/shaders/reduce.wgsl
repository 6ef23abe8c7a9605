// Reduction over the dimensions flagged in reduced (up to 8): one thread
// per output cell, folding the count input cells that map to it. op: 0 sum,
// 1 mean, 2 max, 3 min.
struct Params {
    n: u32, rank: u32, op: u32, count: u32,
    shape: array<vec4u, 2>,
    stride: array<vec4u, 2>,
    reduced: array<vec4u, 2>,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

// offset is the input offset of the index rem, spread over the dimensions
// whose reduced flag is want.
fn offset(index: u32, want: u32) -> u32 {
    var rem = index;
    var off = 0u;
    for (var k = 0u; k < p.rank; k++) {
        let d = p.rank - 1u - k;
        if (p.reduced[d / 4u][d % 4u] == want) {
            let size = p.shape[d / 4u][d % 4u];
            off += (rem % size) * p.stride[d / 4u][d % 4u];
            rem = rem / size;
        }
    }
    return off;
}

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let o = flatIndex(gid, groups);
    if (o >= p.n) {
        return;
    }
    let base = offset(o, 0u);
    var acc = 0.0;
    if (p.op == 2u) {
        acc = LOWEST;
    } else if (p.op == 3u) {
        acc = -LOWEST;
    }
    for (var r = 0u; r < p.count; r++) {
        let v = x[base + offset(r, 1u)];
        switch p.op {
            case 2u: { acc = max(acc, v); }
            case 3u: { acc = min(acc, v); }
            default: { acc += v; }
        }
    }
    if (p.op == 1u) {
        acc = acc / f32(p.count);
    }
    out[o] = acc;
}
