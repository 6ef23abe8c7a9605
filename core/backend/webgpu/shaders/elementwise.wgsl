// The graph kernels' element-wise op over an output of up to 8 dimensions:
// out[outBase + i] = f(a at i, b at i). Each operand is read through its
// own strides, so one shader broadcasts (stride 0 on a repeated dimension),
// transposes, slices (base offset) and pads: along dimension d the output
// index minus lo[d] must lie in [0, dim[d]), else the operand reads 0.
// An operand that is also the output (an in-place op: same shape, so each
// thread reads only the cell it writes) is read from out, flagged by
// aIsOut or bIsOut, and a stand-in is bound in its place.
//
// op: 0 copy a; unary on a: 1 Relu, 2 Relu6, 3 Sigmoid, 4 Abs, 5 Neg,
// 6 Square, 7 Sqrt, 8 Rsqrt, 9 Exp, 10 Log, 11 Tanh, 12 Elu; binary:
// 16 a+b, 17 a−b, 18 a·b, 19 a/b, 20 max, 21 min, 22 (a−b)², 23 Prelu
// (a where a ≥ 0, else a·b).
struct Operand {
    stride: array<vec4u, 2>,
    lo: array<vec4u, 2>,
    dim: array<vec4u, 2>,
}
struct Params {
    n: u32, rank: u32, op: u32, outBase: u32,
    aBase: u32, bBase: u32, aIsOut: u32, bIsOut: u32,
    shape: array<vec4u, 2>,
    a: Operand,
    b: Operand,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

fn apply(op: u32, x: f32, y: f32) -> f32 {
    switch op {
        case 1u: { return max(x, 0.0); }
        case 2u: { return clamp(x, 0.0, 6.0); }
        case 3u: { return 1.0 / (1.0 + exp(-x)); }
        case 4u: { return abs(x); }
        case 5u: { return -x; }
        case 6u: { return x * x; }
        case 7u: { return sqrt(x); }
        case 8u: { return inverseSqrt(x); }
        case 9u: { return exp(x); }
        case 10u: { return log(x); }
        case 11u: { return tanh(clamp(x, -15.0, 15.0)); }
        case 12u: { return select(x, exp(x) - 1.0, x < 0.0); }
        case 16u: { return x + y; }
        case 17u: { return x - y; }
        case 18u: { return x * y; }
        case 19u: { return x / y; }
        case 20u: { return max(x, y); }
        case 21u: { return min(x, y); }
        case 22u: { return (x - y) * (x - y); }
        case 23u: { return select(x * y, x, x >= 0.0); }
        default: { return x; }
    }
}

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.n) {
        return;
    }
    var rem = i;
    var ia = i32(p.aBase);
    var ib = i32(p.bBase);
    var aIn = true;
    var bIn = true;
    for (var k = 0u; k < p.rank; k++) {
        let d = p.rank - 1u - k;
        let q = d / 4u;
        let r = d % 4u;
        let size = p.shape[q][r];
        let idx = i32(rem % size);
        rem = rem / size;
        let xa = idx - i32(p.a.lo[q][r]);
        aIn = aIn && xa >= 0 && u32(xa) < p.a.dim[q][r];
        ia += xa * i32(p.a.stride[q][r]);
        let xb = idx - i32(p.b.lo[q][r]);
        bIn = bIn && xb >= 0 && u32(xb) < p.b.dim[q][r];
        ib += xb * i32(p.b.stride[q][r]);
    }
    var va = 0.0;
    if (aIn) {
        if (p.aIsOut == 1u) {
            va = out[ia];
        } else {
            va = a[ia];
        }
    }
    var vb = 0.0;
    if (bIn && p.op >= 16u) {
        if (p.bIsOut == 1u) {
            vb = out[ib];
        } else {
            vb = b[ib];
        }
    }
    out[p.outBase + i] = apply(p.op, va, vb);
}
