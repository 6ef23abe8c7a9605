package face

import (
	"encoding/json"
	"strings"
	"testing"

	"visage/core/tensor"
)

// shapeNet is a network that records the chips it is given and returns a
// descriptor of dim numbers.
type shapeNet struct {
	dim   int
	shape *[][]int
}

func (n shapeNet) Encode(chip *tensor.Tensor) ([]float32, error) {
	*n.shape = append(*n.shape, chip.Shape)
	out := make([]float32, n.dim)
	out[0] = chip.Data[0]
	return out, nil
}

func TestFaceEncoders(t *testing.T) {
	var shapes [][]int
	pts := arcfaceLandmarks(ArcFaceTemplate)
	img := tensor.New(120, 130, 3)
	for _, tc := range []struct {
		enc       FaceEncoder
		name      string
		dim       int
		threshold float64
		chips     [][]int
	}{
		{Dlib{Net: shapeNet{128, &shapes}, Align: AlignSimilarity}, "dlib", 128, 0.6, [][]int{{150, 150, 3}}},
		{MobileFaceNet{Net: shapeNet{192, &shapes}}, "mobilefacenet", 192, MobileFaceNetThreshold, [][]int{{112, 112, 3}}},
		{FaceRes{Net: shapeNet{1024, &shapes}}, "faceres", 1024, FaceResThreshold, [][]int{{224, 224, 3}}},
	} {
		if tc.enc.Name() != tc.name || tc.enc.Dim() != tc.dim || tc.enc.Threshold() != tc.threshold || EncoderName(tc.enc) != tc.name {
			t.Errorf("%T: name %q dim %d threshold %v, want %q %d %v", tc.enc, tc.enc.Name(), tc.enc.Dim(), tc.enc.Threshold(), tc.name, tc.dim, tc.threshold)
		}
		if EncoderDim(tc.name) != tc.dim || EncoderThreshold(tc.name) != tc.threshold || CheckEncoderName(tc.name) != nil {
			t.Errorf("%s: EncoderDim %d EncoderThreshold %v", tc.name, EncoderDim(tc.name), EncoderThreshold(tc.name))
		}
		// The pipeline takes the encoder's chips, whatever its Align says.
		shapes = nil
		p := &Pipeline{Encoder: tc.enc, Align: AlignFaceAPI, Mirror: true}
		d, err := p.Encode(img, pts)
		if err != nil || len(d) != tc.dim {
			t.Fatalf("%s: Encode = %d numbers, %v", tc.name, len(d), err)
		}
		want := append(tc.chips, tc.chips...) // the chip and its mirror
		if len(shapes) != len(want) || shapes[0][0] != want[0][0] || shapes[0][1] != want[0][1] {
			t.Errorf("%s: chips %v, want %v", tc.name, shapes, want)
		}
	}
	if EncoderName(shapeNet{128, &shapes}) != EncoderDlib {
		t.Error("a bare network is not named dlib")
	}
	if err := CheckEncoderName("arcface"); err == nil {
		t.Error("CheckEncoderName(arcface): no error")
	}
}

// A gallery holds one encoder's descriptors: another encoder's are refused
// with an error naming both, and a wrong length is refused whatever the name.
func TestGalleryEncoderTag(t *testing.T) {
	g, err := NewGalleryFor(EncoderMobileFaceNet)
	if err != nil {
		t.Fatal(err)
	}
	if g.Encoder() != EncoderMobileFaceNet || g.Threshold() != MobileFaceNetThreshold {
		t.Errorf("encoder %q threshold %v", g.Encoder(), g.Threshold())
	}
	if err := g.CheckEncoder(EncoderDlib); err == nil || err.Error() != "face: the gallery holds mobilefacenet descriptors; dlib descriptors cannot be enrolled in it or compared with them (use the mobilefacenet encoder, or a gallery made with dlib)" {
		t.Errorf("CheckEncoder(dlib) on a mobilefacenet gallery: %v", err)
	}
	if err := g.CheckEncoder(EncoderMobileFaceNet); err != nil {
		t.Error(err)
	}
	if err := g.Enroll("Ada", ramp(0)); err == nil {
		t.Error("a 128-number descriptor enrolled in a mobilefacenet gallery")
	}
	v := make([]float32, 192)
	v[3] = 1
	if err := g.Enroll("Ada", v); err != nil {
		t.Fatal(err)
	}
	if _, _, err := g.Verify("Ada", ramp(0)); err == nil {
		t.Error("Verify with 128 numbers against a mobilefacenet gallery: no error")
	}
	if m, d, err := g.Verify("Ada", v); err != nil || !m || d != 0 {
		t.Errorf("Verify with the enrolled embedding: %v %v %v", m, d, err)
	}
	// JSON keeps the tag; FaceMatcher's layout (no "encoder") is dlib.
	js, err := g.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Gallery
	if err := back.UnmarshalJSON(js); err != nil || back.Encoder() != EncoderMobileFaceNet || back.CheckEncoder(EncoderDlib) == nil {
		t.Errorf("round trip of %s: encoder %q, %v", js, back.Encoder(), err)
	}
	d := NewGallery()
	d.Enroll("Bo", ramp(0))
	js, _ = d.MarshalJSON()
	if err := back.UnmarshalJSON(js); err != nil || back.Encoder() != EncoderDlib {
		t.Errorf("a dlib gallery's JSON %s reads as %q, %v", js, back.Encoder(), err)
	}
	if string(js) != `{"distanceThreshold":0.6,"labeledDescriptors":[{"label":"Bo","descriptors":[`+string(mustJSON(t, ramp(0)))+`]}]}` {
		t.Errorf("a dlib gallery's JSON gained a key: %s", js)
	}
	for _, bad := range []struct{ json, want string }{
		{`{"encoder":"mobilefacenet","labeledDescriptors":[{"label":"Bo","descriptors":[` + string(mustJSON(t, ramp(0))) + `]}]}`, "must have 192 numbers, found 128"},
		{`{"encoder":"arcface","labeledDescriptors":[]}`, `unknown encoder "arcface"`},
	} {
		if err := back.UnmarshalJSON([]byte(bad.json)); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("UnmarshalJSON(%.60s…): %v, want %q", bad.json, err, bad.want)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
