// Package learn trains small models on top of frozen face descriptors: a
// projection head (linear or a small MLP, output L2-normalised) with the
// triplet loss and online negative mining, and a binary pair classifier
// (logistic regression on |f_i−f_j| or a χ² distance) with the logistic loss.
// It holds what that needs and nothing more: dense layers with their
// gradients, SGD with momentum and Adam (core/ops's rule over Params),
// identity-balanced batch sampling, and the Head file that the CLI applies to
// descriptors.
//
// Everything computes in float64 (the models are tiny), and all randomness
// comes from a caller-seeded math/rand/v2 source, so a run is reproducible.
package learn

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Matrix is a dense row-major matrix: row i is Data[i*Cols:(i+1)*Cols]. A
// batch of vectors is a Matrix with one vector per row.
type Matrix struct {
	Rows, Cols int
	Data       []float64
}

// NewMatrix returns a zero rows×cols matrix.
func NewMatrix(rows, cols int) *Matrix {
	return &Matrix{rows, cols, make([]float64, rows*cols)}
}

// Row returns row i, sharing m's storage.
func (m *Matrix) Row(i int) []float64 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// general views m as a BLAS matrix sharing its storage.
func (m *Matrix) general() blas64.General {
	return blas64.General{Rows: m.Rows, Cols: m.Cols, Stride: max(m.Cols, 1), Data: m.Data}
}

// addMul adds op(a)·op(b) to c by BLAS (gonum's Dgemm), op transposing its
// operand when its flag is blas.Trans. Empty products (a zero dimension,
// which BLAS rejects) add nothing.
func addMul(c, a blas64.General, ta blas.Transpose, b blas64.General, tb blas.Transpose) {
	k := a.Cols
	if ta == blas.Trans {
		k = a.Rows
	}
	if c.Rows == 0 || c.Cols == 0 || k == 0 {
		return
	}
	blas64.Gemm(ta, tb, 1, a, b, 1, c)
}

// FromRows returns a matrix holding copies of rows, which must all have the
// same length (it panics otherwise: a programmer error).
func FromRows(rows [][]float32) *Matrix {
	if len(rows) == 0 {
		return NewMatrix(0, 0)
	}
	m := NewMatrix(len(rows), len(rows[0]))
	for i, r := range rows {
		if len(r) != m.Cols {
			panic(fmt.Sprintf("learn: row %d has %d values, want %d", i, len(r), m.Cols))
		}
		for j, v := range r {
			m.Data[i*m.Cols+j] = float64(v)
		}
	}
	return m
}

// sqDist returns ‖a−b‖².
func sqDist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}

// norm returns ‖a‖.
func norm(a []float64) float64 {
	s := 0.0
	for _, v := range a {
		s += v * v
	}
	return math.Sqrt(s)
}
