// Package art is neural style transfer as taught in the deep learning course
// (Gatys, Ecker & Bethge, "A Neural Algorithm of Artistic Style", 2015): the
// content and style costs on VGG-19 activations, their gradients, and the
// optimisation loop (Adam, or L-BFGS) that paints a generated image G to
// match a content image C and a style image S. The costs here are the
// reference; Objective computes J and its gradient with the same formulas on
// any visage/core/backend (the CPU, the browser's GPU), Adam's loop runs
// there too (backend.Differentiable.AdamStep), and Run keeps a stylization
// going on a GPU or, when it fails, on the CPU (backend.Placement).
package art

import (
	"fmt"
	"math"

	"visage/core/backend"
	"visage/core/ops"
	"visage/core/tensor"
)

// ContentCost returns the course's content cost between the content image's
// activation aC and the generated image's aG, both [nH,nW,nC] of one layer:
//
//	J_content = 1/(4·nH·nW·nC) · Σ (aC − aG)²
//
// and its gradient with respect to aG, 2/(4·nH·nW·nC) · (aG − aC), as a new
// tensor. Sums accumulate in float64. Different shapes are an error.
func ContentCost(aC, aG *tensor.Tensor) (float64, *tensor.Tensor, error) {
	if aG.Rank() != 3 || !tensor.SameShape(aC, aG) {
		return 0, nil, fmt.Errorf("art: content activations %v and %v, want equal [nH,nW,nC]", aC.Shape, aG.Shape)
	}
	norm := 1 / (4 * float64(aG.Len()))
	grad := tensor.New(aG.Shape...)
	sum := 0.0
	for i, g := range aG.Data {
		d := float64(g) - float64(aC.Data[i])
		sum += d * d
		grad.Data[i] = float32(2 * norm * d)
	}
	return norm * sum, grad, nil
}

// Gram returns the Gram matrix [nC,nC] of an activation a [nH,nW,nC]: with A
// the activation unrolled to nC × (nH·nW) (one row per channel, as in the
// course), G = A·Aᵀ, so G[i][j] = Σ_pixels a_i·a_j. In our channels-last
// layout a is already Aᵀ ([nH·nW, nC]), so G = aᵀ·a.
func Gram(a *tensor.Tensor) *tensor.Tensor {
	flat := unroll(a)
	return ops.MatMul(ops.Transpose2D(flat), flat)
}

// StyleLayerCost returns the course's style cost of one layer, given the
// style image's Gram matrix gS [nC,nC] and the generated image's activation
// aG [nH,nW,nC]:
//
//	J_style^[l] = 1/(4·nC²·(nH·nW)²) · Σ_ij (G_S − G_G)²_ij,   G_G = Gram(aG)
//
// and its gradient with respect to aG. With D = G_G − G_S (symmetric) and
// k = 1/(4·nC²·(nH·nW)²), dJ/dG_G = 2k·D and dJ/dA = (dJ/dG + dJ/dGᵀ)·A =
// 4k·D·A, i.e. 4k·a·D in our [nH·nW, nC] layout. Mismatched shapes are an error.
func StyleLayerCost(gS, aG *tensor.Tensor) (float64, *tensor.Tensor, error) {
	if aG.Rank() != 3 {
		return 0, nil, fmt.Errorf("art: style activation %v, want [nH,nW,nC]", aG.Shape)
	}
	nC, m := aG.Shape[2], aG.Shape[0]*aG.Shape[1]
	if gS.Rank() != 2 || gS.Shape[0] != nC || gS.Shape[1] != nC {
		return 0, nil, fmt.Errorf("art: style Gram %v, want [%d,%d] for activation %v", gS.Shape, nC, nC, aG.Shape)
	}
	k := 1 / (4 * float64(nC) * float64(nC) * float64(m) * float64(m))
	d := Gram(aG)
	sum := 0.0
	for i, g := range d.Data {
		v := float64(g) - float64(gS.Data[i])
		sum += v * v
		d.Data[i] = float32(4 * k * v)
	}
	grad := ops.MatMul(unroll(aG), d)
	grad.Shape = append([]int(nil), aG.Shape...)
	return k * sum, grad, nil
}

// TotalVariation returns the total-variation smoothness cost of an image x
// [H,W,C], normalised by its number of values so its weight does not depend
// on the size:
//
//	J_TV = 1/(H·W·C) · Σ [(x_{i+1,j} − x_{i,j})² + (x_{i,j+1} − x_{i,j})²]
//
// over all channels and the pixel pairs inside the image, and its gradient
// with respect to x: the CPU backend's kernels (the objective's on the
// CPU), the cost rounded to float32.
func TotalVariation(x *tensor.Tensor) (float64, *tensor.Tensor) {
	cpu, norm := backend.NewCPU(), 1/float32(x.Len())
	cost, grad := tensor.New(1), tensor.New(x.Shape...)
	cpu.TotalVariation(x, norm, cost, 0, false)
	cpu.AddTotalVariationGrad(x, grad, norm)
	return float64(cost.Data[0]), grad
}

// unroll views a [nH,nW,nC] activation as [nH·nW, nC] (sharing data).
func unroll(a *tensor.Tensor) *tensor.Tensor {
	return &tensor.Tensor{Shape: []int{a.Shape[0] * a.Shape[1], a.Shape[2]}, Data: a.Data}
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
