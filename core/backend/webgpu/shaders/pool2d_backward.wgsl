// Data gradient of pool2d.wgsl. For each input cell, sum over the output
// windows that contain it: a max window passes its dy to the first cell (in
// row-major order) holding the window's maximum, an average window passes
// dy / (its count of in-bounds cells) to every cell. One thread per dx cell
// gathers, so no two threads write the same cell. x is read only for max.
struct Params {
    inH: u32, inW: u32, C: u32,
    outH: u32, outW: u32,
    kH: u32, kW: u32, strideH: u32, strideW: u32,
    padTop: u32, padLeft: u32,
    isMax: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

// windowRange returns the first and one-past-last output index whose window
// (start o·s − pad, length k) contains input index i, clamped to [0, n).
fn windowRange(i: u32, k: u32, s: u32, pad: u32, n: u32) -> vec2u {
    let hi = min((i + pad) / s + 1u, n);
    let t = i32(i + pad) - i32(k) + 1; // o·s ≥ t
    var lo = 0u;
    if (t > 0) {
        lo = (u32(t) + s - 1u) / s;
    }
    return vec2u(lo, max(lo, hi));
}

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.inH * p.inW * p.C) {
        return;
    }
    let c = i % p.C;
    let ix = (i / p.C) % p.inW;
    let iy = i / (p.C * p.inW);
    let ry = windowRange(iy, p.kH, p.strideH, p.padTop, p.outH);
    let rx = windowRange(ix, p.kW, p.strideW, p.padLeft, p.outW);
    var acc = 0.0;
    for (var oy = ry.x; oy < ry.y; oy++) {
        let y0 = i32(oy * p.strideH) - i32(p.padTop);
        let y1 = min(y0 + i32(p.kH), i32(p.inH));
        for (var ox = rx.x; ox < rx.y; ox++) {
            let x0 = i32(ox * p.strideW) - i32(p.padLeft);
            let x1 = min(x0 + i32(p.kW), i32(p.inW));
            let g = dy[(oy * p.outW + ox) * p.C + c];
            if (p.isMax == 0u) {
                acc += g / f32((y1 - max(y0, 0)) * (x1 - max(x0, 0)));
                continue;
            }
            var best = LOWEST;
            var at = 0u;
            for (var yy = max(y0, 0); yy < y1; yy++) {
                for (var xx = max(x0, 0); xx < x1; xx++) {
                    let cell = (u32(yy) * p.inW + u32(xx)) * p.C + c;
                    if (x[cell] > best) {
                        best = x[cell];
                        at = cell;
                    }
                }
            }
            if (at == i) {
                acc += g;
            }
        }
    }
    dx[i] = acc;
}
