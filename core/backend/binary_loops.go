// The loops below are one per op and operand layout so that the compiler
// inlines the arithmetic (a func value per element would not be).

package backend

// binaryFns holds, for each binary op, its loops over a row: vector-vector,
// vector-scalar and scalar-vector (d may alias a vector operand).
var binaryFns = map[BinaryOp]binFns{
	BinaryAdd:               {addVV, addVS, addSV},
	BinarySub:               {subVV, subVS, subSV},
	BinaryMul:               {mulVV, mulVS, mulSV},
	BinaryDiv:               {divVV, divVS, divSV},
	BinaryMaximum:           {maximumVV, maximumVS, maximumSV},
	BinaryMinimum:           {minimumVV, minimumVS, minimumSV},
	BinarySquaredDifference: {sqdiffVV, sqdiffVS, sqdiffSV},
	BinaryPrelu:             {preluVV, preluVS, preluSV},
}

func addVV(d, a, b []float32) {
	b = b[:len(a)]
	d = d[:len(a)]
	for i, x := range a {
		y := b[i]
		d[i] = x + y
	}
}

func addVS(d, a []float32, y float32) {
	d = d[:len(a)]
	for i, x := range a {
		d[i] = x + y
	}
}

func addSV(d []float32, x float32, b []float32) {
	d = d[:len(b)]
	for i, y := range b {
		d[i] = x + y
	}
}

func subVV(d, a, b []float32) {
	b = b[:len(a)]
	d = d[:len(a)]
	for i, x := range a {
		y := b[i]
		d[i] = x - y
	}
}

func subVS(d, a []float32, y float32) {
	d = d[:len(a)]
	for i, x := range a {
		d[i] = x - y
	}
}

func subSV(d []float32, x float32, b []float32) {
	d = d[:len(b)]
	for i, y := range b {
		d[i] = x - y
	}
}

func mulVV(d, a, b []float32) {
	b = b[:len(a)]
	d = d[:len(a)]
	for i, x := range a {
		y := b[i]
		d[i] = x * y
	}
}

func mulVS(d, a []float32, y float32) {
	d = d[:len(a)]
	for i, x := range a {
		d[i] = x * y
	}
}

func mulSV(d []float32, x float32, b []float32) {
	d = d[:len(b)]
	for i, y := range b {
		d[i] = x * y
	}
}

func divVV(d, a, b []float32) {
	b = b[:len(a)]
	d = d[:len(a)]
	for i, x := range a {
		y := b[i]
		d[i] = x / y
	}
}

func divVS(d, a []float32, y float32) {
	d = d[:len(a)]
	for i, x := range a {
		d[i] = x / y
	}
}

func divSV(d []float32, x float32, b []float32) {
	d = d[:len(b)]
	for i, y := range b {
		d[i] = x / y
	}
}

func maximumVV(d, a, b []float32) {
	b = b[:len(a)]
	d = d[:len(a)]
	for i, x := range a {
		y := b[i]
		d[i] = max32(x, y)
	}
}

func maximumVS(d, a []float32, y float32) {
	d = d[:len(a)]
	for i, x := range a {
		d[i] = max32(x, y)
	}
}

func maximumSV(d []float32, x float32, b []float32) {
	d = d[:len(b)]
	for i, y := range b {
		d[i] = max32(x, y)
	}
}

func minimumVV(d, a, b []float32) {
	b = b[:len(a)]
	d = d[:len(a)]
	for i, x := range a {
		y := b[i]
		d[i] = min32(x, y)
	}
}

func minimumVS(d, a []float32, y float32) {
	d = d[:len(a)]
	for i, x := range a {
		d[i] = min32(x, y)
	}
}

func minimumSV(d []float32, x float32, b []float32) {
	d = d[:len(b)]
	for i, y := range b {
		d[i] = min32(x, y)
	}
}

func sqdiffVV(d, a, b []float32) {
	b = b[:len(a)]
	d = d[:len(a)]
	for i, x := range a {
		y := b[i]
		d[i] = (x - y) * (x - y)
	}
}

func sqdiffVS(d, a []float32, y float32) {
	d = d[:len(a)]
	for i, x := range a {
		d[i] = (x - y) * (x - y)
	}
}

func sqdiffSV(d []float32, x float32, b []float32) {
	d = d[:len(b)]
	for i, y := range b {
		d[i] = (x - y) * (x - y)
	}
}

func prelu(x, alpha float32) float32 {
	if x < 0 {
		return x * alpha
	}
	return x
}

func preluVV(d, a, b []float32) {
	b = b[:len(a)]
	d = d[:len(a)]
	for i, x := range a {
		d[i] = prelu(x, b[i])
	}
}

func preluVS(d, a []float32, y float32) {
	d = d[:len(a)]
	for i, x := range a {
		d[i] = prelu(x, y)
	}
}

func preluSV(d []float32, x float32, b []float32) {
	d = d[:len(b)]
	for i, y := range b {
		d[i] = prelu(x, y)
	}
}
