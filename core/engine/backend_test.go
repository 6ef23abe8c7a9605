package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/backend/webgpu"
	"visage/core/face"
	"visage/core/tensor"
	"visage/models/assets/assettest"
	"visage/models/facerec"
)

// fakeGPU is a GPU for Load to open: the CPU's kernels, whose reads fail
// once Fail is called (backendtest.Faulty), once Destroy is called (as a
// lost WebGPU device's do) and after OutOfMemoryForTesting.
type fakeGPU struct {
	*backendtest.Faulty
	openErr   error // open's error: no GPU
	software  bool
	hasF16    bool
	precision webgpu.Precision
	maxRows   int
	opens     int // how many times open was called
	destroyed int // how many times Destroy was called
}

var _ Device[*tensor.Tensor] = (*fakeGPU)(nil)

// newFakeGPU returns a working hardware GPU without shader-f16.
func newFakeGPU() *fakeGPU {
	return &fakeGPU{Faulty: backendtest.NewFaulty(), precision: webgpu.F32, maxRows: math.MaxInt32}
}

// open is an Engine's way to g.
func (g *fakeGPU) open() (Device[*tensor.Tensor], error) {
	g.opens++
	if g.openErr != nil {
		return nil, g.openErr
	}
	return g, nil
}

func (g *fakeGPU) Adapter() string { return "fake adapter" }
func (g *fakeGPU) Software() bool  { return g.software }
func (g *fakeGPU) Destroy() {
	g.destroyed++
	g.Fail(fmt.Errorf("fake: destroyed: %w", backend.ErrDeviceLost))
}
func (g *fakeGPU) SetPrecision(p webgpu.Precision) error {
	if p == webgpu.F16 && !g.hasF16 {
		return webgpu.ErrNoF16
	}
	g.precision = p
	return nil
}
func (g *fakeGPU) Precision() webgpu.Precision { return g.precision }

// Stats counts a submission for each read, as a network pass makes one of
// each.
func (g *fakeGPU) Stats() (submissions, readBacks int) { return g.Reads(), g.Reads() }
func (g *fakeGPU) MaxRows() int                        { return g.maxRows }
func (g *fakeGPU) Trim()                               {}
func (g *fakeGPU) OutOfMemoryForTesting() {
	g.Fail(fmt.Errorf("fake: %w", backend.ErrOutOfMemory))
}

// loadOn returns an Engine whose GPU is gpu, loaded with face-api.js's
// models (missing ones end the test as assettest.Need does) on choice.
func loadOn(t *testing.T, gpu *fakeGPU, choice string) (*Engine[*tensor.Tensor], Loaded) {
	t.Helper()
	models := os.DirFS(assettest.FaceModels(t, facerec.Manifest))
	e := New(gpu.open)
	loaded, err := e.Load(models, loadOptions(choice, webgpu.F32))
	if err != nil {
		t.Fatal(err)
	}
	return e, loaded
}

// loadOptions are Load's defaults but for the backend and the precision.
func loadOptions(choice string, p webgpu.Precision) LoadOptions {
	var o LoadOptions
	o.Defaults()
	o.Backend, o.Precision = choice, string(p)
	return o
}

// backendNow is e's Backend.
func backendNow(t *testing.T, e *Engine[*tensor.Tensor]) BackendInfo { return must(t, e.Backend) }

// TestOpenBackendWithoutGPU: without a GPU, 'cpu' and 'auto' give the CPU,
// saying why, 'webgpu' is an error saying why, and any other choice is an
// error naming the three; 'cpu' does not try the GPU.
func TestOpenBackendWithoutGPU(t *testing.T) {
	gpu := newFakeGPU()
	gpu.openErr = errors.New("webgpu: navigator.gpu is undefined")
	e := New(gpu.open)
	if info := backendNow(t, e); info.Backend != ChoiceCPU || info.Reason != "load has not run" || info.Precision != "f32" || info.Kernels == "" || info.Threads < 1 {
		t.Errorf("Backend before load = %+v, want the CPU because load has not run, f32, its kernels and threads", info)
	}
	for _, c := range []struct {
		choice, wantErr, wantReason string
		opens                       int
	}{
		{ChoiceCPU, "", "asked for", 0},
		{ChoiceAuto, "", "webgpu: navigator.gpu is undefined", 1},
		{ChoiceWebGPU, "backend 'webgpu' is unavailable: webgpu: navigator.gpu is undefined", "", 1},
		{"gpu", `backend must be 'auto', 'webgpu' or 'cpu', found "gpu"`, "", 0},
	} {
		gpu.opens = 0
		b, err := e.openBackend(c.choice, webgpu.F32)
		if gpu.opens != c.opens {
			t.Errorf("openBackend(%q) opened the GPU %d times, want %d", c.choice, gpu.opens, c.opens)
		}
		if c.wantErr != "" {
			rejects(t, fmt.Sprintf("openBackend(%q)", c.choice), err, c.wantErr)
			continue
		}
		if err != nil {
			t.Errorf("openBackend(%q): %v", c.choice, err)
			continue
		}
		if info := b.info(); b.device() != nil || info.Backend != ChoiceCPU || info.Adapter != "" || !strings.Contains(info.Reason, c.wantReason) {
			t.Errorf("openBackend(%q) reports %+v, want the CPU because %q", c.choice, info, c.wantReason)
		}
	}
}

// TestOpenBackendWithGPU: 'auto' and 'webgpu' take a hardware GPU; 'auto'
// passes over a software one, destroying it, which 'webgpu' takes; the
// precision is the device's, f16 only where it has shader-f16.
func TestOpenBackendWithGPU(t *testing.T) {
	for _, c := range []struct {
		choice        string
		asked         webgpu.Precision
		software, f16 bool
		want          string // the backend
		wantPrecision webgpu.Precision
		wantReason    string
		wantDestroyed int
	}{
		{ChoiceAuto, webgpu.F32, false, false, ChoiceWebGPU, webgpu.F32, "", 0},
		{ChoiceWebGPU, webgpu.F16, false, true, ChoiceWebGPU, webgpu.F16, "", 0},
		{ChoiceWebGPU, webgpu.F16, false, false, ChoiceWebGPU, webgpu.F32, "", 0}, // no shader-f16
		{ChoiceAuto, webgpu.F32, true, false, ChoiceCPU, webgpu.F32, "fake adapter, is a software one", 1},
		{ChoiceWebGPU, webgpu.F32, true, false, ChoiceWebGPU, webgpu.F32, "", 0},
		{ChoiceCPU, webgpu.F16, false, true, ChoiceCPU, webgpu.F32, "asked for", 0},
	} {
		gpu := newFakeGPU()
		gpu.software, gpu.hasF16 = c.software, c.f16
		b, err := New(gpu.open).openBackend(c.choice, c.asked)
		if err != nil {
			t.Errorf("%+v: %v", c, err)
			continue
		}
		info := b.info()
		if info.Backend != c.want || (b.device() != nil) != (c.want == ChoiceWebGPU) || info.Precision != string(c.wantPrecision) ||
			!strings.Contains(info.Reason, c.wantReason) || gpu.destroyed != c.wantDestroyed {
			t.Errorf("%+v: %+v, device destroyed %d times; want %s at %s because %q, destroyed %d times", c, info, gpu.destroyed, c.want, c.wantPrecision, c.wantReason, c.wantDestroyed)
		}
		if c.want == ChoiceWebGPU && (info.Adapter != "fake adapter" || info.Reason != "") {
			t.Errorf("%+v: adapter %q, reason %q; want the fake's, and none", c, info.Adapter, info.Reason)
		}
	}
}

// TestLoadChecksFirst: a bad precision or encoder, or an encoder other
// than that of the people enrolled, is Load's error before anything loads
// or the GPU is opened.
func TestLoadChecksFirst(t *testing.T) {
	gpu := newFakeGPU()
	e := New(gpu.open)
	for _, c := range []struct {
		o    LoadOptions
		want string
	}{
		{loadOptions(ChoiceWebGPU, "f64"), `precision "f64", want 'f32' or 'f16'`},
		{LoadOptions{Backend: ChoiceWebGPU, Encoder: "vgg", Precision: "f32"}, "vgg"},
	} {
		rejects(t, fmt.Sprintf("load %+v", c.o), second(e.Load(fstest.MapFS{}, c.o)), c.want)
	}
	if gpu.opens != 0 || e.net != nil || backendNow(t, e).Reason != "load has not run" {
		t.Errorf("the rejected loads opened the GPU %d times, or loaded (net %v, backend %+v)", gpu.opens, e.net, backendNow(t, e))
	}
	rejects(t, "load of no files", second(e.Load(fstest.MapFS{}, loadOptions(ChoiceCPU, webgpu.F16))), "load: ")

	// A gallery that holds people keeps its encoder.
	e = faked()
	enrollAdaBob(t, e)
	o := loadOptions(ChoiceCPU, webgpu.F32)
	o.Encoder = face.EncoderMobileFaceNet
	rejects(t, "load of another encoder than the gallery's", second(e.Load(fstest.MapFS{}, o)), "the gallery holds dlib descriptors; mobilefacenet descriptors cannot be enrolled")
	if got := people(must(t, e.Gallery)); got != "Ada:1,Bob:1" || e.net != nil {
		t.Errorf("after a load of another encoder: gallery %s, net %v; want it unchanged and nothing loaded", got, e.net)
	}
}

// TestLoadFallsBackToCPU loads face-api.js's models on a fake GPU, enrolls
// and verifies an LFW photo there, then fails the GPU: the next Verify
// answers the same on the CPU, Backend says so and why, and the gallery is
// kept.
func TestLoadFallsBackToCPU(t *testing.T) {
	gpu := newFakeGPU()
	e, loaded := loadOn(t, gpu, ChoiceWebGPU)
	img := Image{assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")}
	if loaded.Backend != ChoiceWebGPU || loaded.Adapter != "fake adapter" || loaded.Encoder != face.EncoderDlib || !loaded.Detector {
		t.Fatalf("load = %+v, want the fake GPU, dlib's encoder and the detector", loaded)
	}
	must(t, e.Enroll, "Aaron", img)
	onGPU := must(t, e.Verify, "Aaron", img)
	info := backendNow(t, e)
	if !onGPU.Match || info.Backend != ChoiceWebGPU || info.ReadBacks == 0 || info.ReadBacks != gpu.Reads() {
		t.Fatalf("verify on the GPU: %+v; backend %+v after %d GPU reads; want a match on the GPU, its reads counted", onGPU, info, gpu.Reads())
	}
	gpu.Fail(fmt.Errorf("x: %w", backend.ErrDeviceLost))
	onCPU := must(t, e.Verify, "Aaron", img)
	if onCPU.Distance != onGPU.Distance || onCPU.Match != onGPU.Match || onCPU.Box != onGPU.Box {
		t.Errorf("verify after the GPU failed: %+v, want the GPU's %+v", onCPU, onGPU)
	}
	info = backendNow(t, e)
	if info.Backend != ChoiceCPU || info.Adapter != "" || info.Submissions != 0 || !strings.Contains(info.Reason, "x: the GPU device was lost") {
		t.Errorf("Backend after the GPU failed: %+v, want the CPU, saying why", info)
	}
	if got := people(must(t, e.Gallery)); got != "Aaron:1" {
		t.Errorf("gallery after the GPU failed: %s, want Aaron:1", got)
	}
	reads := gpu.Reads()
	must(t, e.Identify, img)
	if gpu.Reads() != reads {
		t.Errorf("identify read the failed GPU %d times", gpu.Reads()-reads)
	}
}

func TestLoseGPUArgs(t *testing.T) {
	e := New[*tensor.Tensor](nil) // on the CPU: nothing to lose
	for how, want := range map[string]string{"lost": "", "out-of-memory": "", "melted": `loseGPUForTesting: how must be 'lost' or 'out-of-memory', found "melted"`} {
		info, err := call(e.LoseGPUForTesting, how)
		if want == "" && (err != nil || info.Backend != ChoiceCPU) {
			t.Errorf("loseGPUForTesting(%q) on the CPU: %+v, %v; want the CPU", how, info, err)
		}
		if want != "" {
			rejects(t, fmt.Sprintf("loseGPUForTesting(%q)", how), err, want)
		}
	}
	var in LoseGPUArgs
	if in.Defaults(); in.How != "lost" {
		t.Errorf("loseGPUForTesting's default is %q, want lost", in.How)
	}
}

// TestArtFallsBackToCPU runs a stylization on the fake GPU that Load
// opened, fails the GPU in each way it may fail between two chunks, and
// checks that the next chunk runs on the CPU, continuing the run with the
// costs of a run on the CPU alone.
func TestArtFallsBackToCPU(t *testing.T) {
	cpu := New[*tensor.Tensor](nil)
	artPair(t, cpu)
	must(t, cpu.ArtStart)
	var want []float64
	for chunk := range 2 {
		first, last := artChunk(t, cpu, chunk, ChoiceCPU)
		want = append(want, first, last)
	}
	for _, c := range []struct {
		how    string
		fail   func(*testing.T, *Engine[*tensor.Tensor], *fakeGPU)
		reason string
	}{
		{"device lost", func(_ *testing.T, _ *Engine[*tensor.Tensor], g *fakeGPU) {
			g.Fail(fmt.Errorf("x: %w", backend.ErrDeviceLost))
		}, "x: the GPU device was lost"},
		{"loseGPUForTesting lost", loseGPU("lost"), "fake: destroyed: the GPU device was lost"},
		{"loseGPUForTesting out-of-memory", loseGPU("out-of-memory"), "fake: the GPU ran out of memory"},
	} {
		gpu := newFakeGPU()
		e, _ := loadOn(t, gpu, ChoiceWebGPU)
		artPair(t, e)
		gpu.maxRows = 15*10 - 1
		rejects(t, c.how+": artStart over MaxRows", second(call(e.ArtStart)), "a 15x10 image has 150 pixels, more than the 149 this GPU convolves at once")
		gpu.maxRows = 15 * 10
		if started := must(t, e.ArtStart); started.Backend != ChoiceWebGPU {
			t.Fatalf("%s: artStart on %s, want webgpu", c.how, started.Backend)
		}
		first, last := artChunk(t, e, 0, ChoiceWebGPU)
		c.fail(t, e, gpu)
		if info := backendNow(t, e); info.Backend != ChoiceWebGPU {
			t.Errorf("%s: Backend before a call met the failure: %+v, want webgpu still", c.how, info)
		}
		first2, last2 := artChunk(t, e, 1, ChoiceCPU)
		if got := []float64{first, last, first2, last2}; !slices.Equal(got, want) {
			t.Errorf("%s: costs %v, want the CPU run's %v", c.how, got, want)
		}
		if info := backendNow(t, e); info.Backend != ChoiceCPU || !strings.Contains(info.Reason, c.reason) {
			t.Errorf("%s: Backend after the failure: %+v, want the CPU because %q", c.how, info, c.reason)
		}
		if started := must(t, e.ArtStart); started.Backend != ChoiceCPU {
			t.Errorf("%s: artStart after the failure on %s, want cpu", c.how, started.Backend)
		}
	}
}

// loseGPU fails e's GPU by LoseGPUForTesting(how).
func loseGPU(how string) func(*testing.T, *Engine[*tensor.Tensor], *fakeGPU) {
	return func(t *testing.T, e *Engine[*tensor.Tensor], _ *fakeGPU) { must(t, e.LoseGPUForTesting, how) }
}

// TestLoadAgain: a Load that fails leaves the networks and the GPU of the
// one before working, destroying the GPU it opened itself; one that
// succeeds destroys the old GPU, and one without the detector's files
// leaves no detector behind.
func TestLoadAgain(t *testing.T) {
	models := os.DirFS(assettest.FaceModels(t, facerec.Manifest))
	img := Image{assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")}
	g1, g2, g3 := newFakeGPU(), newFakeGPU(), newFakeGPU()
	gpus := []*fakeGPU{g1, g2, g3}
	e := New(func() (Device[*tensor.Tensor], error) {
		g := gpus[0]
		gpus = gpus[1:]
		return g, nil
	})
	o := loadOptions(ChoiceWebGPU, webgpu.F32)
	if _, err := e.Load(models, o); err != nil {
		t.Fatal(err)
	}
	must(t, e.Enroll, "Aaron", img)

	rejects(t, "a load of no files", second(e.Load(fstest.MapFS{}, o)), "load: ")
	reads := g1.Reads()
	if v := must(t, e.Verify, "Aaron", img); !v.Match || g1.Reads() == reads || g1.destroyed != 0 || g2.destroyed != 1 {
		t.Errorf("after a failed load: match %v, first GPU read %d times and destroyed %d times, second destroyed %d times; want a match on the first GPU, the second destroyed",
			v.Match, g1.Reads()-reads, g1.destroyed, g2.destroyed)
	}
	if info := backendNow(t, e); info.Backend != ChoiceWebGPU {
		t.Errorf("Backend after a failed load: %+v, want webgpu still", info)
	}

	recognition := prefixFS{models, "face_recognition_model"}
	if loaded, err := e.Load(recognition, o); err != nil || loaded.Detector {
		t.Fatalf("load of the recognition network alone: %+v, %v; want no detector", loaded, err)
	}
	rejects(t, "identify after a load without the detector", e.NeedDetector("identify"), "identify needs the face detector")
	if g1.destroyed != 1 || g3.destroyed != 0 || e.liveness.Passive != nil || people(must(t, e.Gallery)) != "Aaron:1" {
		t.Errorf("after the second load: first GPU destroyed %d times, third %d, passive models %v, gallery %s; want 1, 0, none, Aaron:1",
			g1.destroyed, g3.destroyed, e.liveness.Passive, people(must(t, e.Gallery)))
	}
}

// prefixFS is the files of FS whose names start with prefix.
type prefixFS struct {
	fs.FS
	prefix string
}

func (p prefixFS) Open(name string) (fs.File, error) {
	if name != "." && !strings.HasPrefix(name, p.prefix) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return p.FS.Open(name)
}
