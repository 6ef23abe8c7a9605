// Max or average 2-D pooling, NHWC without batch, TensorFlow semantics:
// cells of a window that fall outside x (Same padding) are ignored, so a max
// is over in-bounds cells and a mean divides by their count.
struct Params {
    inH: u32, inW: u32, C: u32,
    outH: u32, outW: u32,
    kH: u32, kW: u32, strideH: u32, strideW: u32,
    padTop: u32, padLeft: u32,
    isMax: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.outH * p.outW * p.C) {
        return;
    }
    let c = i % p.C;
    let ox = (i / p.C) % p.outW;
    let oy = i / (p.C * p.outW);
    let y0 = i32(oy * p.strideH) - i32(p.padTop);
    let x0 = i32(ox * p.strideW) - i32(p.padLeft);
    var best = LOWEST;
    var sum = 0.0;
    var count = 0u;
    for (var iy = max(y0, 0); iy < min(y0 + i32(p.kH), i32(p.inH)); iy++) {
        for (var ix = max(x0, 0); ix < min(x0 + i32(p.kW), i32(p.inW)); ix++) {
            let v = x[(u32(iy) * p.inW + u32(ix)) * p.C + c];
            best = max(best, v);
            sum += v;
            count++;
        }
    }
    if (p.isMax != 0u) {
        y[i] = best;
    } else {
        y[i] = sum / f32(max(count, 1u));
    }
}
