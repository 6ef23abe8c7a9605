// Tiled matrix product: out[M,N] = alpha · op(A) · B + bias, where op(A) is
// A [M,K] or, with transA, the transpose of A [K,M]; B is [K,N]; bias [N] is
// added when hasBias. Each TS×TS workgroup computes one output tile,
// staging TS×TS tiles of op(A) and B in workgroup memory; TS is set from the
// adapter's limits (matmulTile in plan.go).
override TS: u32 = 16u;

struct Params {
    M: u32, N: u32, K: u32, transA: u32, hasBias: u32, alpha: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> tileA: array<f32, TS * TS>;
var<workgroup> tileB: array<f32, TS * TS>;

fn loadA(row: u32, k: u32) -> f32 {
    if (row >= p.M || k >= p.K) {
        return 0.0;
    }
    if (p.transA != 0u) {
        return a[k * p.M + row];
    }
    return a[row * p.K + k];
}

fn loadB(k: u32, col: u32) -> f32 {
    if (k >= p.K || col >= p.N) {
        return 0.0;
    }
    return b[k * p.N + col];
}

@compute @workgroup_size(TS, TS)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
    let row = wid.y * TS + lid.y;
    let col = wid.x * TS + lid.x;
    var acc = 0.0;
    for (var k0 = 0u; k0 < p.K; k0 += TS) {
        tileA[lid.y * TS + lid.x] = loadA(row, k0 + lid.x);
        tileB[lid.y * TS + lid.x] = loadB(k0 + lid.y, col);
        workgroupBarrier();
        for (var k = 0u; k < TS; k++) {
            acc += tileA[lid.y * TS + k] * tileB[k * TS + lid.x];
        }
        workgroupBarrier();
    }
    if (row < p.M && col < p.N) {
        var r = p.alpha * acc;
        if (p.hasBias != 0u) {
            r += bias[col];
        }
        out[row * p.N + col] = r;
    }
}
