// Package facerectest holds what facerec's parity test and the reference
// generator in testdata/faceapi must agree on: which face chips are encoded,
// and how the resized variants (inputs that are not 150x150) are made.
package facerectest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"visage/core/imageio"
	"visage/core/ops"
	"visage/core/tensor"
)

// Chips returns the slash-separated paths, relative to dir and sorted, of
// every .jpg and .png file below dir (the faces-dev set: 95 chips).
func Chips(dir string) ([]string, error) {
	var out []string
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := strings.ToLower(filepath.Ext(p)); !d.IsDir() && (ext == ".jpg" || ext == ".png") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("facerectest: listing chips: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("facerectest: no .jpg or .png chips below %s", dir)
	}
	sort.Strings(out)
	return out, nil
}

// Variant is a chip resized (tf.image.resizeBilinear semantics, no corner
// alignment) to Height×Width, so that the encoder must pad it back to a
// square and resize it to 150.
type Variant struct {
	Chip          string // relative path, as Chips returns it
	Height, Width int
}

// Key names the variant in descriptors.json: "<chip>@<H>x<W>".
func (v Variant) Key() string { return fmt.Sprintf("%s@%dx%d", v.Chip, v.Height, v.Width) }

// Pixels decodes the chip below facesDir and returns the resized [H,W,3] image.
func (v Variant) Pixels(facesDir string) (*tensor.Tensor, error) {
	img, err := imageio.DecodeFile(filepath.Join(facesDir, v.Chip))
	if err != nil {
		return nil, err
	}
	return ops.ResizeBilinear(img, v.Height, v.Width, false, false), nil
}

// Variants lists the resized inputs: wider than tall with an even difference,
// taller than wide with an odd one (the extra padding pixel goes after), and
// smaller than 150 in both sides (resized up).
func Variants() []Variant {
	return []Variant{
		{Chip: "dlib_johns/John_Salley/000179_02159509.jpg", Height: 170, Width: 200},
		{Chip: "faceapi_bbt/sheldon/sheldon1.png", Height: 171, Width: 150},
		{Chip: "dlib_johns/John_Simm/000288_00470387.jpg", Height: 97, Width: 120},
	}
}
