// Data gradient of a regular 2-D convolution (conv2d.wgsl with one group):
// dx[iy,ix,ci] = Σ dy[oy,ox,co] · w[ky,kx,ci,co] over every (oy,ox,ky,kx)
// with oy·sh+ky−padTop = iy and ox·sw+kx−padLeft = ix. One thread per dx
// element gathers its terms, so no two threads write the same cell.
struct Params {
    inH: u32, inW: u32, inC: u32,
    outH: u32, outW: u32, outC: u32,
    kH: u32, kW: u32, strideH: u32, strideW: u32,
    padTop: u32, padLeft: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.inH * p.inW * p.inC) {
        return;
    }
    let ci = i % p.inC;
    let ix = (i / p.inC) % p.inW;
    let iy = i / (p.inC * p.inW);
    var acc = 0.0;
    for (var ky = 0u; ky < p.kH; ky++) {
        let ty = i32(iy + p.padTop) - i32(ky); // = oy·sh
        if (ty < 0 || u32(ty) % p.strideH != 0u || u32(ty) / p.strideH >= p.outH) {
            continue;
        }
        let oy = u32(ty) / p.strideH;
        for (var kx = 0u; kx < p.kW; kx++) {
            let tx = i32(ix + p.padLeft) - i32(kx);
            if (tx < 0 || u32(tx) % p.strideW != 0u || u32(tx) / p.strideW >= p.outW) {
                continue;
            }
            let ox = u32(tx) / p.strideW;
            let dyo = (oy * p.outW + ox) * p.outC;
            let wo = ((ky * p.kW + kx) * p.inC + ci) * p.outC;
            for (var co = 0u; co < p.outC; co++) {
                acc += dy[dyo + co] * w[wo + co];
            }
        }
    }
    dx[i] = acc;
}
