package art

import (
	"strings"
	"testing"

	"visage/models/vgg19"
	"visage/models/vgg19/vgg19test"
)

func TestStepBytesAndCheckMemory(t *testing.T) {
	net := vgg19test.Net(1, vgg19.AvgPool)
	// The tiny net keeps 9·6·4·2 + 5·3·5·2 + 3·2·6·4 + 2·1·7·4 + 3 = 785 floats at 9×6.
	if got, want := StepBytes(net, 9, 6), int64(64<<20+16*785); got != want {
		t.Errorf("StepBytes(9, 6) = %d, want %d", got, want)
	}
	budget := StepBytes(net, 400, 300)
	if err := CheckMemory(net, 400, 300, budget); err != nil {
		t.Errorf("CheckMemory at the budget: %v", err)
	}
	err := CheckMemory(net, 800, 600, budget)
	if err == nil || !strings.Contains(err.Error(), "600×800") || !strings.Contains(err.Error(), "at most 400") {
		t.Errorf("CheckMemory(800×600) = %v, want an error naming 600×800 and the largest size that fits, 400", err)
	}
}
