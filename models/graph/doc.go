// Package graph runs TensorFlow.js graph models (the `model.json` that
// tensorflowjs_converter writes with format "graph-model") on a kernel
// backend (visage/core/backend): Model.Run on the CPU's, On(model, b) on
// any other, such as WebGPU's.
//
// A model file holds `modelTopology.node`, a TensorFlow GraphDef as JSON
// (each node has a name, an op, inputs named "node" or "node:0", and attrs),
// and `weightsManifest`, the groups of binary shards that hold the values of
// the Const nodes (decoded by models/weights). Load parses the file, checks
// every node's op, attributes and shapes, orders the nodes once, folds the
// parts of the graph that depend only on constants and prepares filters; Run
// then executes the remaining steps in order, each as the backend's kernels:
// convolutions, pools and matrix products (with their fused bias and
// Relu/Relu6 as the kernel's epilogue) on backend.Backend's, the
// element-wise, broadcasting and reduction ops on backend.Elementwise's.
// A backend without the Elementwise kernels runs only graphs that need none
// (On refuses the others, naming the node, op, kernel and backend).
//
// Contracts:
//   - Tensors are float32 and NHWC; int32 constants (reshape targets,
//     reduction axes) are held as float32. A node whose T or dtype is another
//     type, a data_format other than NHWC, dilations other than 1, an op or a
//     fused op this package does not implement, an input that names no node,
//     a cycle, or shapes that do not fit together are load-time errors that
//     name the node and its op.
//   - Shapes are checked at load with every unknown (-1) input dimension
//     taken as 1, and again on every Run with the real input shapes, so a
//     Run whose inputs fit the placeholders cannot fail inside a kernel.
//   - Run allocates each step's output and nothing else of tensor size
//     (elementwise steps overwrite an input that no later step reads), and
//     releases an intermediate tensor (backend.Release) after its last
//     reader; it reads the outputs back with one ReadAll. A Model is safe
//     for concurrent Runs.
//
// Supported ops: Placeholder, Const, Identity, Conv2D, DepthwiseConv2dNative,
// _FusedConv2D and FusedDepthwiseConv2dNative (fused BiasAdd, Relu, Relu6,
// Prelu, LeakyRelu, Sigmoid, Elu), MatMul and _FusedMatMul (transpose_a/b,
// the same fused ops), MaxPool, AvgPool, Add, AddV2, Sub, Mul, RealDiv, Div,
// Maximum, Minimum, SquaredDifference (numpy broadcasting), Abs, Neg, Relu,
// Relu6, Elu, Sigmoid, Tanh, Exp, Log, Sqrt, Rsqrt, Square, Softmax, Sum,
// Mean, Max, Min, Squeeze, Reshape, ExpandDims.
package graph
