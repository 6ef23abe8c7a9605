//go:build js && wasm

package main

import (
	"fmt"
	"math/rand/v2"

	"visage/core/backend"
	"visage/core/backend/webgpu"
	"visage/core/tensor"
)

// elementwiseChecks are the cases of the graph kernels
// (backend.Elementwise), each against backend.CPU's, which the graph model
// runtime's parity tests hold to TensorFlow.js.
func elementwiseChecks() []check {
	cpu := backend.NewCPU()
	var cs []check
	// Every unary op on one odd-sized tensor; positive inputs where the op
	// needs them.
	for _, op := range backend.UnaryOps {
		cs = append(cs, check{"Unary", fmt.Sprintf("%s [3,5,7]", op),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x := random(rng, 3, 5, 7)
				for i, v := range x.Data {
					x.Data[i] = 4 * v
					if op == backend.UnarySqrt || op == backend.UnaryRsqrt || op == backend.UnaryLog {
						x.Data[i] = 0.05 + 2*(v+1)
					}
				}
				gx := d.Upload(x)
				gpu, err := readAll(d, d.Unary(op, gx, nil), gx)
				return gpu, cpu.Unary(op, x, nil), err
			}})
	}
	// Every binary op, broadcast over awkward shapes; then in place, into
	// each operand.
	for _, op := range backend.BinaryOps {
		cs = append(cs, check{"Binary", fmt.Sprintf("%s [3,1,5]·[4,1]", op),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				a, b := random(rng, 3, 1, 5), random(rng, 4, 1)
				if op == backend.BinaryDiv {
					for i, v := range b.Data {
						b.Data[i] = 0.5 + v*v
					}
				}
				ga, gb := d.Upload(a), d.Upload(b)
				gpu, err := readAll(d, d.Binary(op, ga, gb, nil), ga, gb)
				return gpu, cpu.Binary(op, a, b, nil), err
			}})
	}
	for _, into := range []int{0, 1} {
		cs = append(cs, check{"Binary", fmt.Sprintf("Sub [6,7,3]−[6,7,3] into operand %d", into),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				a, b := random(rng, 6, 7, 3), random(rng, 6, 7, 3)
				ga, gb := d.Upload(a), d.Upload(b)
				dst := []*webgpu.Buffer{ga, gb}[into]
				y := d.Binary(backend.BinarySub, ga, gb, dst)
				gpu, err := readAll(d, y, []*webgpu.Buffer{gb, ga}[into])
				return gpu, cpu.Binary(backend.BinarySub, a, b, nil), err
			}})
	}
	cs = append(cs, check{"Unary", "Abs [5,3] in place",
		func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
			x := random(rng, 5, 3)
			gx := d.Upload(x)
			gpu, err := readAll(d, d.Unary(backend.UnaryAbs, gx, gx))
			return gpu, cpu.Unary(backend.UnaryAbs, x, nil), err
		}})
	for _, c := range []struct {
		op    backend.ReduceOp
		shape []int
		axes  []int
		keep  bool
	}{
		{backend.ReduceMean, []int{1, 7, 5, 9}, []int{1, 2}, false},
		{backend.ReduceSum, []int{3, 11}, []int{1}, true},
		{backend.ReduceMax, []int{4, 3, 5}, []int{0, 2}, false},
		{backend.ReduceMin, []int{4, 3, 5}, []int{2, 0, 1}, false},
	} {
		cs = append(cs, check{"Reduce", fmt.Sprintf("%s %v axes %v keepDims=%v", c.op, c.shape, c.axes, c.keep),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x := random(rng, c.shape...)
				gx := d.Upload(x)
				gpu, err := readAll(d, d.Reduce(c.op, gx, c.axes, c.keep), gx)
				return gpu, cpu.Reduce(c.op, x, c.axes, c.keep), err
			}})
	}
	for _, inPlace := range []bool{false, true} {
		cs = append(cs, check{"Softmax", fmt.Sprintf("[5,13] in place=%v", inPlace),
			func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
				x := random(rng, 5, 13)
				for i := range x.Data {
					x.Data[i] *= 8
				}
				gx := d.Upload(x)
				if inPlace {
					gpu, err := readAll(d, d.Softmax(gx, gx))
					return gpu, cpu.Softmax(x, nil), err
				}
				gpu, err := readAll(d, d.Softmax(gx, nil), gx)
				return gpu, cpu.Softmax(x, nil), err
			}})
	}
	cs = append(cs, check{"Transpose2D", "[7,3]",
		func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
			x := random(rng, 7, 3)
			gx := d.Upload(x)
			gpu, err := readAll(d, d.Transpose2D(gx), gx)
			return gpu, cpu.Transpose2D(x), err
		}})
	cs = append(cs, check{"PadSpatial", "[5,4,3] by 1,2,0,3",
		func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
			x := random(rng, 5, 4, 3)
			gx := d.Upload(x)
			gpu, err := readAll(d, d.PadSpatial(gx, 1, 2, 0, 3), gx)
			return gpu, cpu.PadSpatial(x, 1, 2, 0, 3), err
		}})
	cs = append(cs, check{"Stack", "Unstack [3,5,2] then Stack reversed",
		func(d *webgpu.Device, rng *rand.Rand) (*tensor.Tensor, *tensor.Tensor, error) {
			x := random(rng, 3, 5, 2)
			gx := d.Upload(x)
			parts := d.Unstack(gx)
			y := d.Stack([]*webgpu.Buffer{parts[2], parts[0], parts[1]})
			gpu, err := readAll(d, y, append(parts, gx)...)
			c := cpu.Unstack(x)
			return gpu, cpu.Stack([]*tensor.Tensor{c[2], c[0], c[1]}), err
		}})
	return cs
}
