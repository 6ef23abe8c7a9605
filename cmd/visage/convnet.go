package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	xdraw "golang.org/x/image/draw"

	"visage/core/art"
	"visage/core/atomicfile"
	"visage/core/face"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets"
	"visage/models/facerec"
)

func init() {
	register("convnet-units", "what deep ConvNets learn: each unit's top image patches over a folder of images (Zeiler & Fergus)", runConvnetUnits)
}

// unitsReport is convnet-units' JSON: per layer, the units shown and their
// strongest patches.
type unitsReport struct {
	Net     string       `json:"net"`
	Size    int          `json:"size"`    // the side of the images the network saw (vgg19: the longer side)
	Images  int          `json:"images"`  // images passed through the network
	Skipped int          `json:"skipped"` // images left out: facerec's without a face
	Layers  []layerUnits `json:"layers"`
}

type layerUnits struct {
	Layer string     `json:"layer"`
	Field art.Field  `json:"receptive_field"`
	Units []unitHits `json:"units"`
}

type unitHits struct {
	Channel int         `json:"channel"`
	Patches []unitPatch `json:"patches"`
}

type unitPatch struct {
	Image                    string  `json:"image"`
	Y                        int     `json:"y"`
	X                        int     `json:"x"`
	Value                    float32 `json:"value"`
	Top, Left, Bottom, Right int     // the window in the image as the network saw it
}

// unitNet is a network whose units convnet-units ranks: its layers' default
// choice and receptive fields, the image as it sees one, and its pass.
type unitNet struct {
	layers string // the default --layers
	size   int    // the report's Size
	field  func(layer string) (art.Field, error)
	// input returns the image file at path as the network sees it ([H,W,3]
	// RGB 0..255), or an error wrapping face.ErrNoFace when the network
	// wants a face and the image has none.
	input func(path string) (*tensor.Tensor, error)
	// activations returns img's activations ([H,W,C], post-ReLU) of the
	// layers, in their order.
	activations func(img *tensor.Tensor, layers ...string) ([]*tensor.Tensor, error)
}

// vggUnits is VGG-19 on each image with its longer side scaled to size.
func vggUnits(weights string, size int) (*unitNet, error) {
	net, err := loadVGG(weights)
	if err != nil {
		return nil, err
	}
	return &unitNet{
		layers: "conv1_1,conv2_1,conv3_1,conv4_1,conv5_1",
		size:   size,
		field:  art.ReceptiveField,
		input:  func(path string) (*tensor.Tensor, error) { return scaledImage(path, size) },
		activations: func(img *tensor.Tensor, layers ...string) ([]*tensor.Tensor, error) {
			pass, err := net.Forward(img, layers...)
			if err != nil {
				return nil, err
			}
			acts := make([]*tensor.Tensor, len(layers))
			for i, l := range layers {
				acts[i] = pass.Activation(l)
			}
			return acts, nil
		},
	}, nil
}

// faceRecUnits is the face encoder (dlib's ResNet) on the aligned 150×150
// chip (dlib's similarity alignment) of each image's largest face.
func faceRecUnits(modelsDir string) (*unitNet, error) {
	if modelsDir == "" {
		d, err := assets.FaceModelsDir()
		if err != nil {
			return nil, err
		}
		modelsDir = d
	}
	fsys := os.DirFS(modelsDir)
	net, err := facerec.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("loading the face recognition model from %s: %w", modelsDir, err)
	}
	pipe, err := face.LiveSettings().Load(fsys, nil) // one similarity chip a face; no encoder: only its chips
	if err != nil {
		return nil, fmt.Errorf("loading the face detection models from %s: %w", modelsDir, err)
	}
	return &unitNet{
		layers: "conv32_down,conv32_2,conv64_1,conv128_1,conv256_2",
		size:   facerec.Size,
		field:  art.FaceRecField,
		input: func(path string) (*tensor.Tensor, error) {
			img, err := imageio.DecodePhoto(path)
			if err != nil {
				return nil, err
			}
			dets, _, err := pipe.Detect(img)
			if err != nil {
				return nil, err
			}
			best := face.LargestDetection(dets)
			if best < 0 {
				return nil, fmt.Errorf("%s: %w", path, face.ErrNoFace)
			}
			pts, err := pipe.Landmarks68(img, dets[best].Box)
			if err != nil {
				return nil, fmt.Errorf("%s: %w (%v)", path, face.ErrNoFace, err)
			}
			chips, err := pipe.Chips(img, pts)
			if err != nil {
				return nil, err
			}
			return chips[0], nil
		},
		activations: net.Activations,
	}, nil
}

func runConvnetUnits(args []string) error {
	fl := newFlagSet("convnet-units", "--dir DIR [--dir DIR…] --out grid.png [flags]")
	var dirs stringList
	fl.Var(&dirs, "dir", "folder of images (searched recursively for .jpg, .jpeg, .png); repeatable")
	out := fl.String("out", "", "the grid PNG (layers × units × their patches); the JSON report goes beside it (.json)")
	netName := fl.String("net", "vgg19", "the network: vgg19 (on the whole image) or facerec (the face encoder, on the aligned 150×150 chip of each image's largest face; images without one are skipped)")
	layerList := fl.String("layers", "", "layers, comma-separated (default vgg19's conv1_1,conv2_1,conv3_1,conv4_1,conv5_1; facerec's conv32_down,conv32_2,conv64_1,conv128_1,conv256_2, of conv32_down, conv32_1…3, conv64_down, conv64_1…3, conv128_down, conv128_1…2, conv256_down, conv256_1…2, conv256_down_out)")
	nUnits := fl.Int("units", 9, "units (channels) shown per layer: those whose k-th strongest image responds most")
	k := fl.Int("k", 9, "patches per unit, from k different images")
	size := fl.Int("size", 128, "vgg19: each image's longer side is scaled down to this before the pass")
	limit := fl.Int("limit", 0, "use at most the first N images (sorted by path; 0: all)")
	cell := fl.Int("cell", 32, "pixels a patch takes in the grid")
	vggDir := fl.String("vgg", "", "directory of the VGG-19 weights (default $"+assets.EnvVGG19+", else ../shared/models/vgg19)")
	modelsDir := fl.String("models", "", "facerec: `DIR` of face-api.js's model files (default $"+assets.EnvFaceModels+", else node_modules/@vladmandic/face-api/model above the working directory)")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	switch {
	case len(dirs) == 0 || *out == "":
		return usagef("--dir and --out are required")
	case *netName != "vgg19" && *netName != "facerec":
		return usagef("--net %q: want vgg19 or facerec", *netName)
	case *nUnits < 1 || *k < 1 || *k > 100 || *size < 16 || *size > 1024 || *cell < 4 || *cell > 256 || *limit < 0:
		return usagef("want --units ≥ 1, --k in 1..100, --size in 16..1024, --cell in 4..256, --limit ≥ 0")
	}
	files, err := imageFiles(dirs)
	if err != nil {
		return err
	}
	if *limit > 0 && len(files) > *limit {
		files = files[:*limit]
	}
	if len(files) == 0 {
		return fmt.Errorf("no .jpg, .jpeg or .png images under %s", strings.Join(dirs, ", "))
	}
	var net *unitNet
	if *netName == "facerec" {
		net, err = faceRecUnits(*modelsDir)
	} else {
		net, err = vggUnits(*vggDir, *size)
	}
	if err != nil {
		return err
	}
	if *layerList == "" {
		*layerList = net.layers
	}
	layers := strings.Split(*layerList, ",")
	fields := make([]art.Field, len(layers))
	for i, l := range layers {
		if fields[i], err = net.field(l); err != nil {
			return usagef("--layers: %v", err)
		}
	}

	// One pass over the images: each layer's units keep their k strongest.
	tops := make([]*art.TopUnits, len(layers))
	for i := range tops {
		tops[i] = art.NewTopUnits(*k)
	}
	skipped := 0
	bar := newProgressBar(len(files))
	for i, f := range files {
		img, err := net.input(f)
		if errors.Is(err, face.ErrNoFace) {
			skipped++
		} else if err != nil {
			return err
		} else {
			acts, err := net.activations(img, layers...)
			if err != nil {
				return err
			}
			for j, a := range acts {
				tops[j].Add(i, a)
			}
		}
		bar.update(i+1, func(el time.Duration) string {
			return fmt.Sprintf("%.1f img/s, %d without a face", float64(i+1)/el.Seconds(), skipped)
		})
	}
	bar.finish()

	// The images that hold a shown patch, each made again once (at most
	// layers × units × k of them, whatever the number of images).
	shown := map[int]*image.NRGBA{}
	units := make([][]int, len(layers))
	for j := range layers {
		units[j] = tops[j].Units(*nUnits)
		for _, c := range units[j] {
			for _, h := range tops[j].Hits(c) {
				shown[h.Image] = nil
			}
		}
	}
	for _, i := range slices.Sorted(maps.Keys(shown)) {
		img, err := net.input(files[i])
		if err != nil {
			return err
		}
		shown[i] = imageio.ToImage(img)
	}

	// The report, and the patches cut from the images they came from.
	rep := unitsReport{Net: *netName, Size: net.size, Images: len(files) - skipped, Skipped: skipped}
	grid := newUnitGrid(len(layers), *nUnits, *k, *cell)
	for j, l := range layers {
		lu := layerUnits{Layer: l, Field: fields[j]}
		for u, c := range units[j] {
			uh := unitHits{Channel: c}
			for p, h := range tops[j].Hits(c) {
				img := shown[h.Image]
				top, left, bottom, right := fields[j].Window(h.Y, h.X, img.Bounds().Dy(), img.Bounds().Dx())
				uh.Patches = append(uh.Patches, unitPatch{files[h.Image], h.Y, h.X, h.Value, top, left, bottom, right})
				grid.put(j, u, p, img.SubImage(image.Rect(left, top, right, bottom)))
			}
			lu.Units = append(lu.Units, uh)
		}
		rep.Layers = append(rep.Layers, lu)
	}
	if err := atomicfile.Write(*out, 0o644, func(w io.Writer) error { return png.Encode(w, grid.img) }); err != nil {
		return err
	}
	jsonPath := strings.TrimSuffix(*out, filepath.Ext(*out)) + ".json"
	js, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(jsonPath, 0o644, func(w io.Writer) error { _, err := w.Write(append(js, '\n')); return err }); err != nil {
		return err
	}
	fmt.Printf("%d images (%d skipped without a face), %d layers × %d units × %d patches: %s, %s\n", rep.Images, skipped, len(layers), *nUnits, *k, *out, jsonPath)
	return nil
}

// imageFiles lists the .jpg, .jpeg and .png files under dirs, sorted.
func imageFiles(dirs []string) ([]string, error) {
	var files []string
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".jpg", ".jpeg", ".png":
				if !e.IsDir() {
					files = append(files, p)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

// scaledImage decodes the photo at path, upright, with its longer side
// scaled down to size.
func scaledImage(path string, size int) (*tensor.Tensor, error) {
	img, err := imageio.DecodePhoto(path)
	if err != nil {
		return nil, err
	}
	return imageio.DownscaleArea(img, size), nil
}

// unitGrid is the Zeiler & Fergus figure: a row per layer; in it, each unit
// a square block of its patches (√k by √k, rounded up), each patch scaled to
// a cell.
type unitGrid struct {
	img        *image.NRGBA
	side, cell int // patches a block side; pixels a cell
	gap        int
	units      int
}

func newUnitGrid(layers, units, k, cell int) *unitGrid {
	side := 1
	for side*side < k {
		side++
	}
	g := &unitGrid{side: side, cell: cell, gap: max(2, cell/4), units: units}
	block := side*cell + g.gap
	g.img = image.NewNRGBA(image.Rect(0, 0, units*block+g.gap, layers*block+g.gap))
	draw.Draw(g.img, g.img.Bounds(), image.NewUniform(color.NRGBA{R: 0xf4, G: 0xf4, B: 0xf4, A: 0xff}), image.Point{}, draw.Src)
	return g
}

// put draws patch p of unit u in layer row l.
func (g *unitGrid) put(l, u, p int, patch image.Image) {
	block := g.side*g.cell + g.gap
	x := g.gap + u*block + (p%g.side)*g.cell
	y := g.gap + l*block + (p/g.side)*g.cell
	xdraw.NearestNeighbor.Scale(g.img, image.Rect(x, y, x+g.cell, y+g.cell), patch, patch.Bounds(), xdraw.Src, nil)
}
