package vgg19

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strings"

	"visage/core/tensor"
)

// ManifestName is the file, at the root of the weights fs.FS, that lists the
// raw weight files.
const ManifestName = "manifest.json"

// manifest mirrors manifest.json: one entry per tensor ("conv1_1/kernel", …).
type manifest struct {
	Weights map[string]manifestEntry `json:"weights"`
}

// manifestEntry describes one raw file: size bytes, one uint8 per value,
// dequantized as q·Scale + MinValue, checksum the MD5 of the file.
type manifestEntry struct {
	Filename     string `json:"filename"`
	Size         int    `json:"size"`
	Shape        []int  `json:"shape"`
	Quantization struct {
		Dtype    string  `json:"dtype"`
		Scale    float64 `json:"scale"`
		MinValue float64 `json:"min_value"`
	} `json:"quantization"`
	Checksum string `json:"checksum"`
}

// Load reads manifest.json and the raw files of the layers up to conv5_1 from
// fsys (os.DirFS(dir) natively, an in-memory fs.FS in the browser), checks each
// file's size, shape and MD5, dequantizes it and returns the network with
// average pooling. Errors name the file and say what was expected and found.
func Load(fsys fs.FS) (*Net, error) {
	raw, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		return nil, fmt.Errorf("vgg19: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("vgg19: %s: %w", ManifestName, err)
	}
	weights := make(map[string]*tensor.Tensor, 2*len(convNames))
	for _, name := range convNames {
		for _, part := range []string{"kernel", "bias"} {
			key := name + "/" + part
			e, ok := m.Weights[key]
			if !ok {
				return nil, fmt.Errorf("vgg19: %s has no entry %q", ManifestName, key)
			}
			t, err := readEntry(fsys, e)
			if err != nil {
				return nil, fmt.Errorf("vgg19: %s (%s): %w", e.Filename, key, err)
			}
			weights[key] = t
		}
	}
	return FromWeights(weights)
}

// File is one raw weight file Load reads: its name in manifest.json and the
// bytes it must hold.
type File struct {
	Name string
	Size int64
}

// Files parses manifest.json (raw) and lists the files Load reads, the
// kernels and biases of the layers up to conv5_1, with the sizes the
// manifest gives them, so that a loader fetches only those and can tell a
// truncated download from a broken network. It fails when an entry is
// missing, its size disagrees with its shape, or its file name is not a
// plain relative path (it is resolved against the manifest's URL).
func Files(raw []byte) ([]File, error) {
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("vgg19: %s: %w", ManifestName, err)
	}
	out := make([]File, 0, 2*len(convNames))
	for _, name := range convNames {
		for _, part := range []string{"kernel", "bias"} {
			key := name + "/" + part
			e, ok := m.Weights[key]
			if !ok {
				return nil, fmt.Errorf("vgg19: %s has no entry %q", ManifestName, key)
			}
			if !fs.ValidPath(e.Filename) || e.Filename == "." || strings.Contains(e.Filename, `\`) {
				return nil, fmt.Errorf("vgg19: %s: entry %q names file %q, want a relative path without \"..\"", ManifestName, key, e.Filename)
			}
			if n := tensor.Size(e.Shape); n != e.Size || n == 0 {
				return nil, fmt.Errorf("vgg19: %s (%s): manifest shape %v holds %d values but size is %d bytes", e.Filename, key, e.Shape, n, e.Size)
			}
			out = append(out, File{Name: e.Filename, Size: int64(e.Size)})
		}
	}
	return out, nil
}

// readEntry reads, checks and dequantizes one raw file.
func readEntry(fsys fs.FS, e manifestEntry) (*tensor.Tensor, error) {
	if e.Quantization.Dtype != "uint8" {
		return nil, fmt.Errorf("quantization dtype %q, want uint8", e.Quantization.Dtype)
	}
	if n := tensor.Size(e.Shape); n != e.Size || n == 0 {
		return nil, fmt.Errorf("manifest shape %v holds %d values but size is %d bytes", e.Shape, n, e.Size)
	}
	b, err := fs.ReadFile(fsys, e.Filename)
	if err != nil {
		return nil, err
	}
	if len(b) != e.Size {
		return nil, fmt.Errorf("file has %d bytes, manifest says %d", len(b), e.Size)
	}
	sum := md5.Sum(b)
	if got := hex.EncodeToString(sum[:]); got != e.Checksum {
		return nil, fmt.Errorf("MD5 %s, manifest says %s (corrupt or wrong file)", got, e.Checksum)
	}
	scale, lo := e.Quantization.Scale, e.Quantization.MinValue
	if math.IsNaN(scale) || math.IsInf(scale, 0) || math.IsNaN(lo) || math.IsInf(lo, 0) {
		return nil, fmt.Errorf("non-finite quantization scale %v / min_value %v", scale, lo)
	}
	data := make([]float32, len(b))
	for i, q := range b {
		data[i] = float32(float64(q)*scale + lo)
	}
	return tensor.FromData(data, slices.Clone(e.Shape)...)
}
