// Element-wise binary op into a new [H,W,C] tensor whose operands may be
// smaller in any dimension: an operand cell outside its own [h,w,c] counts
// as zero (zero padding at the bottom, right and in the last channels).
// mode 0: out = a + b; mode 1 (ReLU backward, a = dy, b = the ReLU's
// output): out = a where b > 0, else 0; mode 2: out = scale·(a − b).
struct Params {
    H: u32, W: u32, C: u32,
    aH: u32, aW: u32, aC: u32,
    bH: u32, bW: u32, bC: u32,
    mode: u32, scale: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn at(y: u32, x: u32, c: u32, h: u32, w: u32, ch: u32, isA: bool) -> f32 {
    if (y >= h || x >= w || c >= ch) {
        return 0.0;
    }
    let i = (y * w + x) * ch + c;
    if (isA) {
        return a[i];
    }
    return b[i];
}

@compute @workgroup_size(GROUP)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
    let i = flatIndex(gid, groups);
    if (i >= p.H * p.W * p.C) {
        return;
    }
    let c = i % p.C;
    let x = (i / p.C) % p.W;
    let y = i / (p.C * p.W);
    let va = at(y, x, c, p.aH, p.aW, p.aC, true);
    let vb = at(y, x, c, p.bH, p.bW, p.bC, false);
    switch p.mode {
        case 0u: { out[i] = va + vb; }
        case 1u: { out[i] = select(0.0, va, vb > 0.0); }
        default: { out[i] = p.scale * (va - vb); }
    }
}
