package ops

import "fmt"

// SquaredDistances sets out[r] to the squared Euclidean distance, summed in
// float32, between q (dim values) and row r of m (len(m)/dim rows of dim
// values, one after another), for every row. It is the gallery's search: in
// the browser the SIMD kernels run it when dim is a multiple of 4. It panics
// when the lengths do not fit.
func SquaredDistances(m []float32, dim int, q, out []float32) {
	if dim < 1 || len(m)%dim != 0 || len(q) != dim || len(out) != len(m)/dim {
		panic(fmt.Sprintf("ops: SquaredDistances: %d values in rows of %d, a query of %d, %d outputs", len(m), dim, len(q), len(out)))
	}
	if sqDistSIMD(m, len(out), dim, q, out) {
		return
	}
	for r := range out {
		row := m[r*dim : r*dim+dim]
		// Four running sums, as the SIMD kernel keeps four lanes.
		var s0, s1, s2, s3 float32
		i := 0
		for ; i+4 <= dim; i += 4 {
			a, b, c, d := row[i]-q[i], row[i+1]-q[i+1], row[i+2]-q[i+2], row[i+3]-q[i+3]
			s0 += a * a
			s1 += b * b
			s2 += c * c
			s3 += d * d
		}
		for ; i < dim; i++ {
			a := row[i] - q[i]
			s0 += a * a
		}
		out[r] = (s0 + s1) + (s2 + s3)
	}
}
