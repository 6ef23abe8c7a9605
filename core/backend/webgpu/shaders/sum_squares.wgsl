// out[index] = scale · Σ_i term(i), plus the old out[index] when
// accumulate, where term(i) is, in mode 0, (a[i] − b[i])² (a squared
// distance) and, in mode 1, the squared differences between a [H,W,C]
// cell i and its neighbours below and to the right, where they exist (the
// total variation; b is unused). One workgroup of 256 threads: each sums a
// strided share (Kahan-compensated, so long sums keep float32 precision),
// then a tree adds the 256 partials.
struct Params {
    n: u32, index: u32, accumulate: u32, scale: f32,
    mode: u32, H: u32, W: u32, C: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

const THREADS: u32 = 256u;

fn term(i: u32) -> f32 {
    if (p.mode == 0u) {
        let d = a[i] - b[i];
        return d * d;
    }
    let x = (i / p.C) % p.W;
    let y = i / (p.C * p.W);
    var t = 0.0;
    if (y + 1u < p.H) {
        let d = a[i + p.W * p.C] - a[i];
        t += d * d;
    }
    if (x + 1u < p.W) {
        let d = a[i + p.C] - a[i];
        t += d * d;
    }
    return t;
}
var<workgroup> partial: array<f32, THREADS>;

@compute @workgroup_size(THREADS)
fn main(@builtin(local_invocation_index) t: u32) {
    var sum = 0.0;
    var lost = 0.0; // Kahan compensation
    for (var i = t; i < p.n; i += THREADS) {
        let y = term(i) - lost;
        let s = sum + y;
        lost = (s - sum) - y;
        sum = s;
    }
    partial[t] = sum;
    workgroupBarrier();
    for (var width = THREADS / 2u; width > 0u; width /= 2u) {
        if (t < width) {
            partial[t] += partial[t + width];
        }
        workgroupBarrier();
    }
    if (t == 0u) {
        var r = p.scale * partial[0];
        if (p.accumulate != 0u) {
            r += out[p.index];
        }
        out[p.index] = r;
    }
}
