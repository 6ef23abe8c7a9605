package face

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/assets/assettest"
	"visage/models/ssd"
)

// With sets every setting, a Dlib encoder's alignment with them, and leaves
// the pipeline it copies as it was; the live settings are the decision
// settings with one chip and no mirror.
func TestSettingsWith(t *testing.T) {
	p := Pipeline{Align: AlignBoth, Mirror: true, Encoder: Dlib{Align: AlignBoth}}
	live := LiveSettings()
	q := p.With(live)
	got := Settings{MaxDetectSide: q.MaxDetectSide, Detector: q.Options, Align: q.Align, Mirror: q.Mirror}
	if got != live || q.Encoder.(Dlib).Align != live.Align {
		t.Errorf("With(%+v) gives %+v with Dlib's align %v", live, got, q.Encoder.(Dlib).Align)
	}
	if p.MaxDetectSide != 0 || p.Align != AlignBoth || !p.Mirror || p.Encoder.(Dlib).Align != AlignBoth {
		t.Error("With changed the pipeline it copies")
	}
	decide := DecisionSettings()
	if live.Align != AlignSimilarity || live.Mirror || decide.Align != AlignBoth || !decide.Mirror {
		t.Errorf("live %+v, decisions %+v: want one similarity chip against both chips with their mirrors", live, decide)
	}
	decide.Align, decide.Mirror = live.Align, live.Mirror
	if decide != live {
		t.Errorf("live %+v and decisions %+v differ beyond the chips and the mirror", live, DecisionSettings())
	}
	if live.MaxDetectSide != ssd.InputSize || live.Detector != ssd.DefaultOptions() {
		t.Errorf("largest side %d, detector %+v; want the SSD's input side %d and face-api.js's defaults %+v",
			live.MaxDetectSide, live.Detector, ssd.InputSize, ssd.DefaultOptions())
	}
}

// The shells choose no setting of their own: the CLI (cmd/visage) and the
// page (core/engine, which wasm binds) load their pipelines with this
// package's settings, and none of them, wasm included, sets a largest side
// or the detector's thresholds itself.
func TestShellsTakeSettingsFromCore(t *testing.T) {
	root, err := assets.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	// The page's engine takes its pipelines from LoadNets, which makes them
	// with LiveSettings (and ForDecisions, DecisionSettings).
	for dir, want := range map[string]string{"cmd/visage": "DecisionSettings", "core/engine": "LoadNets", "wasm": ""} {
		uses, banned := shellSettings(t, filepath.Join(root, dir))
		if want != "" && !slices.Contains(uses, want) {
			t.Errorf("%s never calls face.%s (it calls %v): its pipeline's settings must come from core/face", dir, want, uses)
		}
		for _, b := range banned {
			t.Errorf("%s: %s; the product's settings are chosen in core/face/settings.go only", dir, b)
		}
	}
}

// shellSettings parses the non-test Go files of the package in dir and
// returns the face.*Settings functions (and face.LoadNets) they name and, as "file:line: what",
// each place that names a largest side (MaxDetectSide, ssd.InputSize) or
// the detector's defaults (ssd.DefaultOptions).
func shellSettings(t *testing.T, dir string) (uses, banned []string) {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				pkg, _ := n.X.(*ast.Ident)
				name := n.Sel.Name
				switch {
				case pkg != nil && pkg.Name == "face" && (strings.HasSuffix(name, "Settings") || name == "LoadNets"):
					uses = append(uses, name)
				case name == "MaxDetectSide",
					pkg != nil && pkg.Name == "ssd" && (name == "InputSize" || name == "DefaultOptions"):
					banned = append(banned, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), name))
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "MaxDetectSide" {
					banned = append(banned, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), k.Name))
				}
			}
			return true
		})
	}
	return uses, banned
}

// BenchmarkMaxDetectSide detects the faces of a photo (the astronaut of
// data/nst, enlarged) with the detector's input bounded at the SSD's side
// (the product's setting) and at 1024 (the CLI's former one).
func BenchmarkMaxDetectSide(b *testing.B) {
	p := testPipeline(b)
	astronaut, err := imageio.DecodeFile(assettest.Shared(b, "data/nst/content/astronaut.png"))
	if err != nil {
		b.Fatal(err)
	}
	for _, times := range []int{2, 6} {
		img := enlarge(astronaut, times)
		for _, side := range []int{ssd.InputSize, 1024} {
			q := *p
			q.MaxDetectSide = side
			b.Run(fmt.Sprintf("photo=%dpx/side=%d", img.Shape[0], side), func(b *testing.B) {
				for b.Loop() {
					if _, _, err := q.Detect(img); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// enlarge repeats each pixel of img times × times.
func enlarge(img *tensor.Tensor, times int) *tensor.Tensor {
	h, w, c := img.Shape[0], img.Shape[1], img.Shape[2]
	out := tensor.New(h*times, w*times, c)
	for y := range h * times {
		for x := range w * times {
			copy(out.Data[(y*w*times+x)*c:][:c], img.Data[((y/times)*w+x/times)*c:][:c])
		}
	}
	return out
}
