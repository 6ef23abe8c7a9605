package ops

// gemm computes C += A·B for row-major A (m×k, row stride lda), B (k×n, ldb)
// and C (m×n, ldc).
func gemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	gemmRef(m, n, k, a, lda, b, ldb, c, ldc)
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
