package ops

import "fmt"

// Padding selects how a sliding window treats the borders, with TensorFlow's
// meaning.
type Padding int

const (
	// Valid uses only windows that lie wholly inside the input:
	// out = ceil((in-k+1)/stride), or 0 when k > in.
	Valid Padding = iota
	// Same pads so that out = ceil(in/stride); of the total padding
	// max((out-1)*stride+k-in, 0), floor(total/2) goes before and the rest after.
	Same
)

// String names the padding as TensorFlow spells it.
func (p Padding) String() string {
	switch p {
	case Valid:
		return "valid"
	case Same:
		return "same"
	}
	return fmt.Sprintf("Padding(%d)", int(p))
}

// window returns the output length and the padding before the first element
// for a sliding window of size k and the given stride over in elements.
func window(in, k, stride int, pad Padding) (out, before int) {
	if k < 1 || stride < 1 {
		panic(fmt.Sprintf("ops: window size %d and stride %d must be positive", k, stride))
	}
	switch pad {
	case Valid:
		if k > in {
			return 0, 0
		}
		return (in-k)/stride + 1, 0
	case Same:
		out = (in + stride - 1) / stride
		total := max((out-1)*stride+k-in, 0)
		return out, total / 2
	}
	panic(fmt.Sprintf("ops: unknown padding %d", int(pad)))
}
