// Tiled matrix product: out[M,N] = alpha · A · B + bias, bias [N] added
// when hasBias, then per column n multiplied by scale[n] (when hasScale),
// shifted by shift[n] (when hasShift) and passed through the activation
// act (0 none, 1 ReLU, 2 ReLU6, see common.wgsl): a convolution with its
// scale layer and activation in one pass.
// A [M,K] and B [K,N] are read in one of these ways:
//   mode 0: A dense [M,K], B dense [K,N];
//   mode 1: A the transpose of a dense [K,M] (for Gram matrices FᵀF), B dense;
//   mode 2: a 2-D convolution of x [inH,inW,inC] by w [kH,kW,inC,N]: A is
//           the implicit im2col of x, row m the output pixel (m / outW,
//           m % outW), column k the tap (ky, kx, ci), zero where it falls
//           in padding; B is w seen as [K = kH·kW·inC, N];
//   mode 3: the data gradient of such a convolution, dx = dy ⋆ w: with
//           dy [inH,inW,inC] (the forward output) and w [kH,kW,N,inC], row
//           m is the dx pixel (iy, ix) = (m / outW, m % outW), column k =
//           (ky, kx, co) holds dy[(iy+padTop−ky)/strideH,
//           (ix+padLeft−kx)/strideW, co] where those divide exactly and
//           fall inside dy, else 0; B[k, ci] is w[ky,kx,ci,co].
// A TS×TS workgroup computes a BLOCK×BLOCK output tile (BLOCK = TS·R),
// each thread an R×R block of it strided by TS, staging BLOCK×BLOCK tiles
// of A and B in workgroup memory. TS comes from the adapter's limits
// (matmulTile in plan.go). Every output sums its k in increasing order.
// The F16 precision (precision.go): B may hold two float16 a word
// (HALF_B), and the tiles are staged as f16 (TileT, which specialize in
// half.go rewrites where the adapter has shader-f16) or, for tests on
// adapters without it, as f32 rounded to f16 (ROUND_TILES): the same
// numbers. Products are summed in f32 either way.
alias TileT = f32;
override HALF_B: bool = false;
override ROUND_TILES: bool = false;
override TS: u32 = 8u;
const R: u32 = 4u; // matmulPerThread in plan.go
override BLOCK: u32 = TS * R;

struct Params {
    M: u32, N: u32, K: u32, mode: u32, hasBias: u32, alpha: f32,
    inH: u32, inW: u32, inC: u32, outW: u32, kW: u32,
    strideH: u32, strideW: u32, padTop: u32, padLeft: u32,
    hasScale: u32, hasShift: u32, act: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<u32>; // f32 bits, or two f16 (HALF_B)
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read> scale: array<f32>;
@group(0) @binding(5) var<storage, read> shift: array<f32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;

var<workgroup> tileA: array<TileT, BLOCK * BLOCK>; // [m][k]
var<workgroup> tileB: array<TileT, BLOCK * BLOCK>; // [k][n]

fn loadA(row: u32, k: u32) -> f32 {
    if (row >= p.M || k >= p.K) {
        return 0.0;
    }
    switch p.mode {
        case 0u: {
            return a[row * p.K + k];
        }
        case 1u: {
            return a[k * p.M + row];
        }
        case 3u: {
            let co = k % p.inC;
            let kx = (k / p.inC) % p.kW;
            let ky = k / (p.inC * p.kW);
            let ty = i32(row / p.outW + p.padTop) - i32(ky); // = oy·strideH
            let tx = i32(row % p.outW + p.padLeft) - i32(kx);
            if (ty < 0 || tx < 0 || u32(ty) % p.strideH != 0u || u32(tx) % p.strideW != 0u) {
                return 0.0;
            }
            let oy = u32(ty) / p.strideH;
            let ox = u32(tx) / p.strideW;
            if (oy >= p.inH || ox >= p.inW) {
                return 0.0;
            }
            return a[(oy * p.inW + ox) * p.inC + co];
        }
        default: {
            let ci = k % p.inC;
            let kx = (k / p.inC) % p.kW;
            let ky = k / (p.inC * p.kW);
            let iy = i32((row / p.outW) * p.strideH + ky) - i32(p.padTop);
            let ix = i32((row % p.outW) * p.strideW + kx) - i32(p.padLeft);
            if (iy < 0 || ix < 0 || iy >= i32(p.inH) || ix >= i32(p.inW)) {
                return 0.0;
            }
            return a[(u32(iy) * p.inW + u32(ix)) * p.inC + ci];
        }
    }
}

fn loadB(k: u32, col: u32) -> f32 {
    if (k >= p.K || col >= p.N) {
        return 0.0;
    }
    if (p.mode == 3u) {
        return weight(((k / p.inC) * p.N + col) * p.inC + k % p.inC);
    }
    return weight(k * p.N + col);
}

// weight is B's element i.
fn weight(i: u32) -> f32 {
    if (HALF_B) {
        return unpack2x16float(b[i / 2u])[i % 2u];
    }
    return bitcast<f32>(b[i]);
}

// stage converts a value for the tiles.
fn stage(x: f32) -> TileT {
    if (ROUND_TILES) {
        return TileT(unpack2x16float(pack2x16float(vec2f(x, 0.0))).x);
    }
    return TileT(x);
}

@compute @workgroup_size(TS, TS)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
    let row0 = wid.y * BLOCK;
    let col0 = wid.x * BLOCK;
    let thread = lid.y * TS + lid.x;
    var acc: array<f32, R * R>;
    var av: array<f32, R>;
    var bv: array<f32, R>;
    for (var k0 = 0u; k0 < p.K; k0 += BLOCK) {
        for (var e = thread; e < BLOCK * BLOCK; e += TS * TS) {
            tileA[e] = stage(loadA(row0 + e / BLOCK, k0 + e % BLOCK));
            tileB[e] = stage(loadB(k0 + e / BLOCK, col0 + e % BLOCK));
        }
        workgroupBarrier();
        for (var k = 0u; k < BLOCK; k++) {
            for (var i = 0u; i < R; i++) {
                av[i] = f32(tileA[(lid.y + i * TS) * BLOCK + k]);
                bv[i] = f32(tileB[k * BLOCK + lid.x + i * TS]);
            }
            for (var i = 0u; i < R; i++) {
                for (var j = 0u; j < R; j++) {
                    acc[i * R + j] += av[i] * bv[j];
                }
            }
        }
        workgroupBarrier();
    }
    for (var i = 0u; i < R; i++) {
        let row = row0 + lid.y + i * TS;
        for (var j = 0u; j < R; j++) {
            let col = col0 + lid.x + j * TS;
            if (row < p.M && col < p.N) {
                var r = p.alpha * acc[i * R + j];
                if (p.hasBias != 0u) {
                    r += bias[col];
                }
                if (p.hasScale != 0u) {
                    r *= scale[col];
                }
                if (p.hasShift != 0u) {
                    r += shift[col];
                }
                out[row * p.N + col] = activate(r, p.act);
            }
        }
    }
}
