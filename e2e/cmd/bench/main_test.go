package main

import (
	"slices"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}

// TestCeilingOf checks which peak each side's GFLOP/s are a fraction of:
// natively the larger of one and all goroutines; in the page one worker's
// when the kernels run on one thread, else the larger of one and all; none
// for the GPU.
func TestCeilingOf(t *testing.T) {
	c := ceiling{native: 50, nativeOne: 80, page: 20, pageAll: 38}
	for _, w := range []struct {
		where   string
		threads int
		want    float64
	}{{"native", 2, 80}, {"wasm", 1, 20}, {"wasm", 2, 38}, {"webgpu", 1, 0}} {
		if got := c.of(w.where, w.threads); got != w.want {
			t.Errorf("of(%q, %d) = %v, want %v", w.where, w.threads, got, w.want)
		}
	}
	c.native, c.pageAll = 150, 15
	if got := c.of("native", 2); got != 150 {
		t.Errorf("of(native) = %v with all cores at 150, want 150", got)
	}
	if got := c.of("wasm", 2); got != 20 {
		t.Errorf("of(wasm, 2) = %v with both workers at 15 and one at 20, want 20", got)
	}
}

// TestSelectBenches: a bench's whole name selects it alone, another prefix
// every bench it starts, each once; a name matching nothing is an error
// listing the benches.
func TestSelectBenches(t *testing.T) {
	for _, c := range []struct {
		only string
		want []string
	}{
		{"encode", []string{"encode"}},
		{"encode-", []string{"encode-mobilefacenet", "encode-faceres"}},
		{"nst,pipeline-faceres,nst128", []string{"nst128", "nst256", "pipeline-faceres"}},
		{"pipeline,encode-faceres", []string{"pipeline", "encode-faceres"}},
	} {
		got, err := selectBenches(c.only)
		var names []string
		for _, b := range got {
			names = append(names, b.name)
		}
		if err != nil || !slices.Equal(names, c.want) {
			t.Errorf("selectBenches(%q) = %v, %v; want %v", c.only, names, err, c.want)
		}
	}
	if _, err := selectBenches("encode,nope"); err == nil || !strings.Contains(err.Error(), `no bench named "nope" (have encode, detect`) {
		t.Errorf("selectBenches(encode,nope): error %v, want one naming nope and the benches", err)
	}
}

// TestEncoderBenches: each other encoder has a chip and a whole-photo bench
// loaded with it in the page, each against a dlib bench that exists.
func TestEncoderBenches(t *testing.T) {
	for _, e := range otherEncoders {
		for _, want := range []struct{ name, ours, against string }{
			{"encode-" + e.name, "encode", "encode"},
			{"pipeline-" + e.name, "detect", "pipeline"},
		} {
			b, err := benchNamed(want.name)
			if err != nil {
				t.Error(err)
				continue
			}
			if b.ours != want.ours || b.encoder != e.name || b.against != want.against {
				t.Errorf("%s: page call %q with encoder %q against %q; want %q, %q, %q", b.name, b.ours, b.encoder, b.against, want.ours, e.name, want.against)
			}
			if ref, err := benchNamed(b.against); err != nil || ref.encoder != "" || ref.ours != b.ours {
				t.Errorf("%s: its reference %q is %+v (%v), want dlib's bench of the same page call", b.name, b.against, ref.name, err)
			}
		}
	}
}

// TestThreadsShortfall: a tfjs-wasm peer on fewer threads than the cores it
// was asked to use is said plainly, with its flags; one on all is not.
func TestThreadsShortfall(t *testing.T) {
	info := map[string]any{"threads": 2.0, "isolated": true, "multithread": true, "simd": true}
	if msg := threadsShortfall(info, 2); msg != "" {
		t.Errorf("2 threads on 2 cores: %q, want no note", msg)
	}
	info["threads"], info["multithread"] = 1.0, false
	msg := threadsShortfall(info, 2)
	for _, want := range []string{"runs 1 thread(s), not the 2 cores", "multithread=false"} {
		if !strings.Contains(msg, want) {
			t.Errorf("1 thread on 2 cores: %q, want it to say %q", msg, want)
		}
	}
}
