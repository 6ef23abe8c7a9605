package main

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	xdraw "golang.org/x/image/draw"

	"visage/core/art"
	"visage/core/atomicfile"
	"visage/core/imageio"
	"visage/core/tensor"
	"visage/models/assets"
)

func init() {
	register("convnet-units", "what deep ConvNets learn: each unit's top image patches over a folder of images (Zeiler & Fergus)", runConvnetUnits)
}

// unitsReport is convnet-units' JSON: per layer, the units shown and their
// strongest patches.
type unitsReport struct {
	Net    string       `json:"net"`
	Size   int          `json:"size"`
	Images int          `json:"images"`
	Layers []layerUnits `json:"layers"`
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
	Top, Left, Bottom, Right int     // the window in the image resized to --size
}

func runConvnetUnits(args []string) error {
	fl := newFlagSet("convnet-units", "--dir DIR [--dir DIR…] --out grid.png [flags]")
	var dirs stringList
	fl.Var(&dirs, "dir", "folder of images (searched recursively for .jpg, .jpeg, .png); repeatable")
	out := fl.String("out", "", "the grid PNG (layers × units × their patches); the JSON report goes beside it (.json)")
	netName := fl.String("net", "vgg19", "the network: vgg19 (the face encoder's layers are not exposed yet)")
	layerList := fl.String("layers", "conv1_1,conv2_1,conv3_1,conv4_1,conv5_1", "layers, comma-separated (vgg19's conv1_1…conv5_1)")
	nUnits := fl.Int("units", 9, "units (channels) shown per layer: those whose k-th strongest image responds most")
	k := fl.Int("k", 9, "patches per unit, from k different images")
	size := fl.Int("size", 128, "each image's longer side is scaled down to this before the pass")
	limit := fl.Int("limit", 0, "use at most the first N images (sorted by path; 0: all)")
	cell := fl.Int("cell", 32, "pixels a patch takes in the grid")
	vggDir := fl.String("vgg", "", "directory of the VGG-19 weights (default $"+assets.EnvVGG19+", else ../shared/models/vgg19)")
	if err := parseFlags(fl, args, 0, 0); err != nil {
		return err
	}
	switch {
	case len(dirs) == 0 || *out == "":
		return usagef("--dir and --out are required")
	case *netName != "vgg19":
		return usagef("--net %q: only vgg19 is supported for now", *netName)
	case *nUnits < 1 || *k < 1 || *k > 100 || *size < 16 || *size > 1024 || *cell < 4 || *cell > 256 || *limit < 0:
		return usagef("want --units ≥ 1, --k in 1..100, --size in 16..1024, --cell in 4..256, --limit ≥ 0")
	}
	layers := strings.Split(*layerList, ",")
	fields := make([]art.Field, len(layers))
	for i, l := range layers {
		f, err := art.ReceptiveField(l)
		if err != nil {
			return usagef("--layers: %v", err)
		}
		fields[i] = f
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
	net, err := loadVGG(*vggDir)
	if err != nil {
		return err
	}

	// One pass over the images: each layer's units keep their k strongest.
	tops := make([]*art.TopUnits, len(layers))
	for i := range tops {
		tops[i] = art.NewTopUnits(*k)
	}
	bar := newProgressBar(len(files))
	for i, f := range files {
		img, err := scaledImage(f, *size)
		if err != nil {
			return err
		}
		pass, err := net.Forward(img, layers...)
		if err != nil {
			return err
		}
		for j, l := range layers {
			tops[j].Add(i, pass.Activation(l))
		}
		bar.update(i+1, func(el time.Duration) string {
			return fmt.Sprintf("%.1f img/s", float64(i+1)/el.Seconds())
		})
	}
	bar.finish()

	// The report, and the patches cut from the images they came from.
	rep := unitsReport{Net: *netName, Size: *size, Images: len(files)}
	cache := map[int]*tensor.Tensor{}
	grid := newUnitGrid(len(layers), *nUnits, *k, *cell)
	for j, l := range layers {
		lu := layerUnits{Layer: l, Field: fields[j]}
		for u, c := range tops[j].Units(*nUnits) {
			uh := unitHits{Channel: c}
			for p, h := range tops[j].Hits(c) {
				img, ok := cache[h.Image]
				if !ok {
					if img, err = scaledImage(files[h.Image], *size); err != nil {
						return err
					}
					cache[h.Image] = img
				}
				top, left, bottom, right := fields[j].Window(h.Y, h.X, img.Shape[0], img.Shape[1])
				uh.Patches = append(uh.Patches, unitPatch{files[h.Image], h.Y, h.X, h.Value, top, left, bottom, right})
				grid.put(j, u, p, imageio.ToImage(img).SubImage(image.Rect(left, top, right, bottom)))
			}
			lu.Units = append(lu.Units, uh)
		}
		rep.Layers = append(rep.Layers, lu)
		clear(cache) // a layer's images are not needed for the next
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
	fmt.Printf("%d images, %d layers × %d units × %d patches: %s, %s\n", len(files), len(layers), *nUnits, *k, *out, jsonPath)
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
