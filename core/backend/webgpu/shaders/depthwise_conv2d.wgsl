// Depthwise 2-D cross-correlation, NHWC without batch: with w
// [kH,kW,C,mult], output channel co = c·mult + m is y[oy,ox,co] = bias[co] +
// Σ x[oy·sh+ky−padTop, ox·sw+kx−padLeft, c] · w[ky,kx,c,m], taps outside x
// counting as zero. w's layout makes w[ky,kx,c,m] = w[(ky·kW+kx)·outC + co].
// Then, as matmul.wgsl's epilogue, y·scale[co] (when hasScale) +
// shift[co] (when hasShift), through the activation act.
struct Params {
    inH: u32, inW: u32, inC: u32,
    outH: u32, outW: u32, outC: u32,
    kH: u32, kW: u32, strideH: u32, strideW: u32,
    padTop: u32, padLeft: u32,
    mult: u32, hasBias: u32,
    hasScale: u32, hasShift: u32, act: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read> shift: array<f32>;
@group(0) @binding(6) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.outH * p.outW * p.outC) {
        return;
    }
    let co = i % p.outC;
    let ox = (i / p.outC) % p.outW;
    let oy = i / (p.outC * p.outW);
    let c = co / p.mult;
    var acc = 0.0;
    for (var ky = 0u; ky < p.kH; ky++) {
        let iy = i32(oy * p.strideH + ky) - i32(p.padTop);
        if (iy < 0 || iy >= i32(p.inH)) {
            continue;
        }
        for (var kx = 0u; kx < p.kW; kx++) {
            let ix = i32(ox * p.strideW + kx) - i32(p.padLeft);
            if (ix < 0 || ix >= i32(p.inW)) {
                continue;
            }
            acc += x[(u32(iy) * p.inW + u32(ix)) * p.inC + c] * w[(ky * p.kW + kx) * p.outC + co];
        }
    }
    if (p.hasBias != 0u) {
        acc += bias[co];
    }
    if (p.hasScale != 0u) {
        acc *= scale[co];
    }
    if (p.hasShift != 0u) {
        acc += shift[co];
    }
    y[i] = activate(acc, p.act);
}
