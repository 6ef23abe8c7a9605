package ssd

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"testing/fstest"
)

// loadableManifest works around models/weights accepting only float32
// weights: the SSD manifest also lists a few quantized int32 constants
// (TensorFlow graph leftovers such as "Postprocessor/Slice/begin") that the
// network never uses. A quantized weight takes one or two bytes per element
// whatever its dtype, so relabelling those as float32 keeps the shard's byte
// accounting exact. It returns fsys overlaid with the relabelled manifest.
func loadableManifest(fsys fs.FS) (fs.FS, error) {
	raw, err := fs.ReadFile(fsys, Manifest)
	if err != nil {
		return nil, fmt.Errorf("ssd: %w", err)
	}
	var groups []map[string]any
	if err := json.Unmarshal(raw, &groups); err != nil {
		return nil, fmt.Errorf("ssd: %s: not a TensorFlow.js weights manifest: %w", Manifest, err)
	}
	for _, g := range groups {
		ws, _ := g["weights"].([]any)
		for _, w := range ws {
			if w, ok := w.(map[string]any); ok && w["dtype"] == "int32" && w["quantization"] != nil {
				w["dtype"] = "float32"
			}
		}
	}
	fixed, err := json.Marshal(groups)
	if err != nil {
		return nil, fmt.Errorf("ssd: %w", err)
	}
	return overlayFS{fsys, fstest.MapFS{Manifest: {Data: fixed}}}, nil
}

// overlayFS serves files from top first, then from base.
type overlayFS struct{ base, top fs.FS }

func (o overlayFS) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.base.Open(name)
}
