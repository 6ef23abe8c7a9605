package art

import (
	"fmt"

	"visage/models/vgg19"
)

// Memory budgets of one stylization, which CheckMemory enforces.
const (
	// NativeMemoryBudget is what `visage stylize` lets a run use: 4 GiB
	// (about 900×900 pixels with VGG-19).
	NativeMemoryBudget int64 = 4 << 30
	// BrowserMemoryBudget is what the page's worker lets a run use: 1.5 GiB
	// (about 570×570 pixels) of its 32-bit WebAssembly memory, which the
	// face networks share and which is never given back to the system.
	BrowserMemoryBudget int64 = 3 << 29
)

// StepBytes estimates the memory a stylization of an h×w image needs: the
// VGG-19 activations a step keeps for its backward pass (see
// vgg19.Net.ActivationFloats), their gradients and the convolutions'
// scratch, and the Go heap's headroom above them, plus the network itself.
// The model, 64 MiB + 4 × the kept activations' bytes, was fitted to the
// peak resident memory of one Adam step natively (go1.26, VGG-19 of
// shared/models): 126 MB above the loaded network at 128×128 and 312 MB at
// 256×256, where the activations take 19 MB and 76 MB (60 MB + 3.3×).
func StepBytes(net *vgg19.Net, h, w int) int64 {
	return 64<<20 + 4*4*net.ActivationFloats(h, w)
}

// CheckMemory returns nil when StepBytes(h, w) is within budget, and
// otherwise an error giving the estimate, the budget and the largest longer
// side of the same shape that fits.
func CheckMemory(net *vgg19.Net, h, w int, budget int64) error {
	need := StepBytes(net, h, w)
	if need <= budget {
		return nil
	}
	long := max(h, w)
	fits := long
	for ; fits > 1; fits-- {
		if StepBytes(net, max(1, h*fits/long), max(1, w*fits/long)) <= budget {
			break
		}
	}
	return fmt.Errorf("art: style transfer at %d×%d needs about %.1f GiB, more than the %.1f GiB budget; use a size of at most %d",
		w, h, gib(need), gib(budget), fits)
}

func gib(b int64) float64 { return float64(b) / (1 << 30) }
