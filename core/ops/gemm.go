package ops

import "sync"

// Blocking for gemm, in the GotoBLAS/BLIS arrangement: B is packed once, in
// kc-deep blocks of nr-wide column strips; each mc×kc block of A is packed
// into mr-tall row strips; and the micro-kernel multiplies one A strip by one
// B strip, keeping its mr×nr tile of C in registers for the whole kc loop.
// The tile's mr×nr is the micro-kernel's (see microKernel); kc and mc are
// the same for every kernel.
const (
	kc = 256 // depth of one packed block: an A strip and a B strip stay in L1
	mc = 64  // rows of A per block (rounded up to whole strips): the packed block stays in L2
)

// aSource fills packed A blocks. pack writes rows [i0, i0+rows) and columns
// [p0, p0+depth) of the m×k matrix A into dst in strips of mr rows: element
// (i0+s*mr+r, p0+p) goes to dst[s*mr*depth + p*mr + r], and the last strip
// is zero-filled past rows. Conv2D's source (patchA) builds rows of the
// im2col matrix on the fly, so the whole patch matrix never exists.
type aSource interface {
	pack(dst []float32, mr, i0, rows, p0, depth int)
}

// denseA is a row-major matrix with row stride ld.
type denseA struct {
	a  []float32
	ld int
}

func (d denseA) pack(dst []float32, mr, i0, rows, p0, depth int) {
	for s := 0; s < rows; s += mr {
		strip := dst[s*depth : (s+mr)*depth]
		for r := range mr {
			if s+r >= rows {
				zeroColumn(strip, mr, r, 0, depth)
				continue
			}
			i := i0 + s + r
			setColumn(strip, mr, r, 0, d.a[i*d.ld+p0:i*d.ld+p0+depth])
		}
	}
}

// setColumn sets row r of a packed A strip of mr rows to src from depth p
// on: strip[(p+q)*mr+r] = src[q]. It steps through the strip by adding mr,
// which measured faster than a multiply and a bounds check per value.
func setColumn(strip []float32, mr, r, p int, src []float32) {
	if len(src) == 0 {
		return
	}
	out := strip[p*mr+r : (p+len(src)-1)*mr+r+1]
	j := 0
	for _, v := range src {
		out[j] = v
		j += mr
	}
}

// zeroColumn clears row r of a packed A strip of mr rows at depths
// [p, p+n).
func zeroColumn(strip []float32, mr, r, p, n int) {
	for j := p*mr + r; j < (p+n)*mr; j += mr {
		strip[j] = 0
	}
}

// gemm computes C += A·B for a row-major m×k A (row stride lda), k×n B (ldb)
// and m×n C (ldc).
func gemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < kernel.mr {
		// A single row (a fully connected layer on one input): packing B
		// would cost as much as the product, so stream B through once.
		for i := range m {
			ci := c[i*ldc : i*ldc+n]
			for p, av := range a[i*lda : i*lda+k] {
				for j, bv := range b[p*ldb : p*ldb+n] {
					ci[j] += av * bv
				}
			}
		}
		return
	}
	gemmPacked(m, n, k, denseA{a: a, ld: lda}, b, ldb, nil, c, ldc, epilogue{})
}

// packedB holds all of a k×n B: for each depth block starting at p0 and each
// nr-wide strip j, the block's depth×nr values row by row, zero-padded past n.
type packedB struct {
	data   []float32
	nr, np int // strip width; n rounded up to a multiple of nr
}

// packB packs b (k×n, row stride ldb) into dst in strips nr wide; dst needs
// k*roundUp(n, nr) values.
func packB(dst []float32, nr, k, n int, b []float32, ldb int) packedB {
	np := roundUp(n, nr)
	for p0 := 0; p0 < k; p0 += kc {
		depth := min(kc, k-p0)
		block := dst[p0*np : (p0+depth)*np]
		for j := 0; j < np; j += nr {
			strip := block[j*depth : (j+nr)*depth]
			w := min(nr, n-j)
			for p := range depth {
				row := b[(p0+p)*ldb+j : (p0+p)*ldb+j+w]
				s := strip[p*nr : p*nr+nr]
				copy(s, row)
				clear(s[w:])
			}
		}
	}
	return packedB{data: dst, nr: nr, np: np}
}

// strip returns B's packed strip of nr columns starting at column j within
// the depth block starting at p0.
func (pb packedB) strip(p0, depth, j int) []float32 {
	base := p0*pb.np + j*depth
	return pb.data[base : base+depth*pb.nr]
}

// roundUp returns n rounded up to a multiple of q.
func roundUp(n, q int) int { return (n + q - 1) / q * q }

// scratch recycles packing buffers between calls.
var scratch = sync.Pool{New: func() any { return new([]float32) }}

func getScratch(n int) *[]float32 {
	s := scratch.Get().(*[]float32)
	if cap(*s) < n {
		*s = make([]float32, n)
	}
	*s = (*s)[:n]
	return s
}

// epilogue says how gemmPacked's product lands in C: added to it (the zero
// value), or with set, replacing it together with bias (nil: zeros); relu
// then clamps the result at zero.
type epilogue struct {
	set  bool
	bias []float32 // n values or nil
	relu bool
}

// gemmPacked computes C += A·B, or what ep says, with A supplied by src. In
// the browser it runs on the WebAssembly SIMD kernels when the host provides
// them (gemmSIMD), and natively on kernel (gemmBlocks); either way B is
// already in the running kernel's layout when simdB is not nil (packSIMD).
// Otherwise B is packed once; blocks of A's rows are shared out among
// goroutines (see workerCount), each packing its own A block and writing its
// own rows of C. With several goroutines the blocks shrink below mc so that
// every goroutine gets one.
func gemmPacked(m, n, k int, src aSource, b []float32, ldb int, simdB, c []float32, ldc int, ep epilogue) {
	if m == 0 || n == 0 || gemmSIMD(m, n, k, src, b, ldb, simdB, c, ldc, ep) {
		return
	}
	if ep.set {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			if ep.bias != nil {
				copy(row, ep.bias)
			} else {
				clear(row)
			}
		}
	}
	if k > 0 {
		gemmBlocks(kernel, m, n, k, src, b, ldb, simdB, c, ldc)
	}
	if ep.relu {
		for i := range m {
			relu(c[i*ldc : i*ldc+n])
		}
	}
}

// gemmBlocks is gemmPacked's native path: C += A·B on micro-kernel kern,
// with B packed for it per call, or once beforehand when packed is not nil
// (packB's data for kern.nr).
func gemmBlocks(kern microKernel, m, n, k int, src aSource, b []float32, ldb int, packed, c []float32, ldc int) {
	mr, nr := kern.mr, kern.nr
	pb := packedB{data: packed, nr: nr, np: roundUp(n, nr)}
	if packed == nil {
		bbuf := getScratch(k * roundUp(n, nr))
		defer scratch.Put(bbuf)
		pb = packB(*bbuf, nr, k, n, b, ldb)
	}

	workers := workerCount(m*n*k, (m+mr-1)/mr)
	blockRows := roundUp(min(mc, (m+workers-1)/workers), mr)
	forEachPart((m+blockRows-1)/blockRows, workers, func(blk int) {
		abuf := getScratch(blockRows*min(k, kc) + mr*nr)
		defer scratch.Put(abuf)
		tile := (*abuf)[:mr*nr] // an edge's partial block of C
		i0 := blk * blockRows
		rows := min(blockRows, m-i0)
		for p0 := 0; p0 < k; p0 += kc {
			depth := min(kc, k-p0)
			ap := (*abuf)[mr*nr:][:roundUp(rows, mr)*depth]
			src.pack(ap, mr, i0, rows, p0, depth)
			for j := 0; j < n; j += nr {
				bs := pb.strip(p0, depth, j)
				for s := 0; s < rows; s += mr {
					as := ap[s*depth : (s+mr)*depth]
					if tr, tc := min(mr, rows-s), min(nr, n-j); tr < mr || tc < nr {
						clear(tile)
						kern.run(depth, as, bs, tile, nr)
						addTile(c, ldc, i0+s, j, tr, tc, nr, tile)
					} else {
						kern.run(depth, as, bs, c[(i0+s)*ldc+j:], ldc)
					}
				}
			}
		}
	})
}

// microKernel is gemmBlocks' innermost loop and its tile: run adds a·b to
// the mr×nr block of C at c (row r at c[r*ldc:], ldc ≥ nr) for one packed A
// strip (depth×mr: element (r, p) at a[p*mr+r]) and one packed B strip
// (depth×nr: element (p, j) at b[p*nr+j]). a and b hold at least depth*mr
// and depth*nr values; depth may be 0 (C is then unchanged).
type microKernel struct {
	name   string // for tests and benchmarks: "go", "avx2"
	mr, nr int
	run    func(depth int, a, b, c []float32, ldc int)
	// peak runs its multiply-add instruction rounds times peakFLOPs/2 times
	// on registers alone, at the most the CPU can issue (FMAPeak); nil for
	// the portable kernel.
	peak      func(rounds int)
	peakFLOPs int
}

// kernel is the micro-kernel gemm runs natively: the fastest of kernels
// (kernel_amd64.go, kernel_other.go), chosen once by CPU features.
var kernel = kernels[len(kernels)-1]

// goKernel is the portable micro-kernel, the reference the assembly ones are
// tested against (kernel_test.go) and the fallback where they do not run.
var goKernel = microKernel{name: "go", mr: 2, nr: 4, run: kernelGo}

// kernelGo is goKernel's run for a 2×4 tile. Its 8 sums and 6 operands fit
// the 15 float registers Go allocates on amd64; a 4×4 tile spills and
// measured 1.5-2x slower, 4×2 about the same as 2×4 (see BenchmarkGemm).
// The depth loop is unrolled four times, which measured 1.3-1.6x faster than
// one step per iteration; the second loop finishes depth%4.
func kernelGo(depth int, a, b, c []float32, ldc int) {
	const mr, nr = 2, 4
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var a0, a1, b0, b1, b2, b3 float32
	a, b = a[:depth*mr], b[:depth*nr]
	for len(a) >= 4*mr && len(b) >= 4*nr { // steps p, p+1, p+2, p+3
		a0, a1 = a[0], a[1]
		b0, b1, b2, b3 = b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a0, a1 = a[2], a[3]
		b0, b1, b2, b3 = b[4], b[5], b[6], b[7]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a0, a1 = a[4], a[5]
		b0, b1, b2, b3 = b[8], b[9], b[10], b[11]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a0, a1 = a[6], a[7]
		b0, b1, b2, b3 = b[12], b[13], b[14], b[15]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a, b = a[4*mr:], b[4*nr:]
	}
	for len(a) >= mr && len(b) >= nr { // one step
		a0, a1 = a[0], a[1]
		b0, b1, b2, b3 = b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a, b = a[mr:], b[nr:]
	}
	r0, r1 := c[:nr], c[ldc:ldc+nr]
	r0[0], r0[1], r0[2], r0[3] = r0[0]+c00, r0[1]+c01, r0[2]+c02, r0[3]+c03
	r1[0], r1[1], r1[2], r1[3] = r1[0]+c10, r1[1]+c11, r1[2]+c12, r1[3]+c13
}

// addTile adds the top-left rows×cols of tile (nr values a row) to C at (i, j).
func addTile(c []float32, ldc, i, j, rows, cols, nr int, tile []float32) {
	for r := range rows {
		dst := c[(i+r)*ldc+j : (i+r)*ldc+j+cols]
		for q := range dst {
			dst[q] += tile[r*nr+q]
		}
	}
}

// gemmRef is the plain triple loop gemm is tested against: C += A·B.
func gemmRef(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := range m {
		for j := range n {
			var s float32
			for p := range k {
				s += a[i*lda+p] * b[p*ldb+j]
			}
			c[i*ldc+j] += s
		}
	}
}
