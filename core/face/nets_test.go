package face

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"visage/core/backend"
	"visage/core/backend/backendtest"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/assets/assettest"
	"visage/models/facerec"
)

// union is the files of several folders, the first that has a name winning.
type union []fs.FS

func (u union) Open(name string) (fs.File, error) {
	for _, f := range u {
		if file, err := f.Open(name); err == nil {
			return file, nil
		}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// TestLoadNetsFallBack loads the product's networks on a fake GPU and checks
// that faces are found and encoded there, then, once the GPU fails, on the
// CPU with the same answers, every network having moved.
func TestLoadNetsFallBack(t *testing.T) {
	models := os.DirFS(assettest.FaceModels(t, facerec.Manifest))
	gpu := backendtest.NewFaulty()
	p := backend.OnGPU("fake", false, nil)
	nets, err := LoadNets(models, p, backend.Backend[*tensor.Tensor](gpu), EncoderDlib)
	if err != nil {
		t.Fatal(err)
	}
	if nets.Live == nil || nets.Deciding == nil || nets.Enrolling == nil || EncoderName(nets.Encoder) != EncoderDlib {
		t.Fatalf("LoadNets gave %+v, want the three pipelines and dlib's encoder", nets)
	}
	if live := LiveSettings(); nets.Live.MaxDetectSide != live.MaxDetectSide || nets.Live.Options != live.Detector {
		t.Errorf("the live pipeline has largest side %d and detector %+v, want LiveSettings' %d and %+v", nets.Live.MaxDetectSide, nets.Live.Options, live.MaxDetectSide, live.Detector)
	}
	img := assettest.LFWImage(t, "Aaron_Eckhart/Aaron_Eckhart_0001.jpg")
	answer := func() []float32 {
		faces, err := nets.Deciding.Faces(img)
		if err != nil || len(faces) != 1 {
			t.Fatalf("Detect: %d faces, %v; want 1", len(faces), err)
		}
		return faces[0].Encoding
	}
	onGPU := answer()
	reads := gpu.Reads()
	gpu.Fail(fmt.Errorf("webgpu: %w", backend.ErrDeviceLost))
	onCPU := answer()
	if d := Distance(onGPU, onCPU); d != 0 || reads == 0 || p.GPU() {
		t.Fatalf("after the GPU failed: descriptor %v from the GPU's (want 0), %d GPU reads before, on the GPU %v", d, reads, p.GPU())
	}
	if later := gpu.Reads(); answer() != nil && gpu.Reads() != later {
		t.Errorf("a later pass read from the failed GPU")
	}
}

// TestLoadNetsEncoders: an unknown encoder and a folder without a graph
// encoder's model are errors naming them; the human-models folder gives
// each encoder with its name and width; a folder without the detector
// gives no pipelines.
func TestLoadNetsEncoders(t *testing.T) {
	models := os.DirFS(assettest.FaceModels(t, facerec.Manifest))
	cpu := backend.Backend[*tensor.Tensor](backend.NewCPU())
	if _, err := LoadNets(models, backend.OnCPU(""), cpu, "vgg"); err == nil || !strings.Contains(err.Error(), "vgg") {
		t.Errorf("an unknown encoder: %v, want an error naming it", err)
	}
	for _, name := range []string{EncoderMobileFaceNet, EncoderFaceRes} {
		if _, err := LoadNets(models, backend.OnCPU(""), cpu, name); err == nil || !strings.Contains(err.Error(), name+".json") {
			t.Errorf("%s from face-api.js's folder: %v, want an error naming %s.json", name, err, name)
		}
	}
	onlyEncoder := fstest.MapFS{}
	for _, f := range []string{facerec.Manifest, "face_recognition_model.bin"} {
		b, err := fs.ReadFile(models, f)
		if err != nil {
			t.Fatal(err)
		}
		onlyEncoder[f] = &fstest.MapFile{Data: b}
	}
	if nets, err := LoadNets(onlyEncoder, backend.OnCPU(""), cpu, EncoderDlib); err != nil || nets.Live != nil {
		t.Errorf("without the detector: %+v, %v; want no pipelines", nets, err)
	}
	dir, err := assets.HumanModelsDir()
	if err != nil {
		t.Skipf("human-models not installed (npm ci): %v", err)
	}
	for name, dim := range map[string]int{EncoderMobileFaceNet: MobileFaceNetDim, EncoderFaceRes: FaceResDim} {
		nets, err := LoadNets(union{models, os.DirFS(dir)}, backend.OnCPU(""), cpu, name)
		if err != nil {
			t.Fatal(err)
		}
		if enc, ok := nets.Encoder.(FaceEncoder); !ok || enc.Name() != name || enc.Dim() != dim {
			t.Errorf("%s: loaded %v", name, nets.Encoder)
		}
	}
}
