package facerec

import (
	"visage/core/ops"
	"visage/core/tensor"
)

// convLayer is face-api.js's convLayer: convolution plus bias, then the scale
// layer (x*weights+biases per channel, folded into the convolution by
// foldScale), then an optional ReLU.
func convLayer(x *tensor.Tensor, p convLayerParams, stride int, pad ops.Padding, relu bool) *tensor.Tensor {
	if relu {
		return p.filters.Conv2DReLU(x, p.bias, stride, stride, pad)
	}
	return p.filters.Conv2D(x, p.bias, stride, stride, pad)
}

func conv(x *tensor.Tensor, p convLayerParams) *tensor.Tensor {
	return convLayer(x, p, 1, ops.Same, true)
}

func convNoRelu(x *tensor.Tensor, p convLayerParams) *tensor.Tensor {
	return convLayer(x, p, 1, ops.Same, false)
}

// convDown halves the resolution: stride 2, no padding.
func convDown(x *tensor.Tensor, p convLayerParams) *tensor.Tensor {
	return convLayer(x, p, 2, ops.Valid, true)
}

// residual is relu(convNoRelu(conv(x)) + x).
func residual(x *tensor.Tensor, p residualLayerParams) *tensor.Tensor {
	out := conv(x, p.conv1)
	out = convNoRelu(out, p.conv2)
	return ops.ReLU(ops.AddInPlace(out, x))
}

// residualDown is the downsampling block: the convolution path starts with a
// stride-2 valid convolution; the shortcut is a 2x2 average pool whose
// channels are doubled with zeros. Where the convolution path comes out
// smaller than the pool (odd sizes), it is zero-padded at the bottom and right,
// as face-api.js does.
func residualDown(x *tensor.Tensor, p residualLayerParams) *tensor.Tensor {
	out := convDown(x, p.conv1)
	out = convNoRelu(out, p.conv2)

	pooled := ops.AvgPool2D(x, 2, 2, 2, 2, ops.Valid)
	if dh, dw := pooled.Shape[0]-out.Shape[0], pooled.Shape[1]-out.Shape[1]; dh != 0 || dw != 0 {
		out = ops.PadSpatial(out, 0, dh, 0, dw, 0)
	}
	if pooled.Shape[2] != out.Shape[2] {
		pooled = ops.ConcatChannels(pooled, tensor.New(pooled.Shape...))
	}
	return ops.ReLU(ops.AddInPlace(out, pooled))
}
