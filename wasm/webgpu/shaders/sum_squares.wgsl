// out[index] = scale · Σ_i (a[i] − b[i])², plus the old out[index] when
// accumulate: a squared distance, as the style-transfer costs need. One
// workgroup of 256 threads: each sums a strided share (Kahan-compensated,
// so long sums keep float32 precision), then a tree adds the 256 partials.
struct Params {
    n: u32, index: u32, accumulate: u32, scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

const THREADS: u32 = 256u;
var<workgroup> partial: array<f32, THREADS>;

@compute @workgroup_size(THREADS)
fn main(@builtin(local_invocation_index) t: u32) {
    var sum = 0.0;
    var lost = 0.0; // Kahan compensation
    for (var i = t; i < p.n; i += THREADS) {
        let d = a[i] - b[i];
        let y = d * d - lost;
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
