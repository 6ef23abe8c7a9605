package ops

// mulAdd sets dst[i] += x[i]·y[i] for every i < len(dst); x and y hold at
// least as many values. It is depthwise convolution's inner loop (a filter
// tap over all channels). Natively on AVX2 the bulk runs eight lanes at a
// time, fused (mulAddVec, kernel_amd64.go); the rest, and everything
// elsewhere, is the plain loop, the reference mulAdd is tested against.
func mulAdd(dst, x, y []float32) {
	done := mulAddVec(dst, x, y)
	mulAddGo(dst[done:], x[done:], y[done:])
}

// mulAddGo is mulAdd's plain loop.
func mulAddGo(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] += x[i] * y[i]
	}
}
