//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"
	"testing/fstest"

	"visage/core/face"
	"visage/core/jsvalue"
	"visage/core/liveness"
	"visage/models/download"
	"visage/models/download/webfetch"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/ssd"
	"visage/models/tinyface"
)

// The files a face load fetches: the recognition network always; unless
// told {detector: false}, the SSD detector, the 68-point landmark net, the
// Tiny Face Detector (enroll's last resort) and human-models' graph models
// for unlock's passive liveness check.
var (
	recognizerManifests = []string{facerec.Manifest}
	detectorManifests   = []string{ssd.Manifest, landmarks.Manifest, tinyface.Manifest}
	livenessGraphs      = []string{liveness.AntispoofModel, liveness.LivenessModel}
	// optionalModels may be missing from a folder: the npm package's
	// copy-models script copies face-api.js's networks only, and without
	// them unlock runs without its passive check (liveness.go).
	optionalModels = map[string]bool{liveness.AntispoofModel: true, liveness.LivenessModel: true}
)

// modelFiles returns the files a load call is given: opts.files as they are
// ({name: Uint8Array, …}), or, when opts has urlKey (modelsUrl, vggUrl: the
// absolute URL of a folder), the files fetch fetches from there, checked
// against their manifests (see visage/models/download) and against
// sha256.json when the folder has one. onProgress, a JS function or
// undefined, is told {phase: 'download', loaded, total} as the weight
// files arrive, then {phase: 'prepare'}. op names the calling method in
// errors.
func modelFiles(opts, onProgress js.Value, op, urlKey string, fetch func(*download.Loader, context.Context) (fstest.MapFS, error)) (fstest.MapFS, error) {
	if opts.Type() != js.TypeObject || opts.Get(urlKey).Type() != js.TypeString {
		return filesOf(opts, op)
	}
	if !onProgress.IsUndefined() && onProgress.Type() != js.TypeFunction {
		return nil, fmt.Errorf("%s: onProgress must be a function, found %s", op, jsvalue.Describe(onProgress))
	}
	report := func(p map[string]any) {
		if onProgress.Type() == js.TypeFunction {
			onProgress.Invoke(p)
		}
	}
	ctx := context.Background()
	src := &webfetch.Source{Base: opts.Get(urlKey).String()}
	hashes, err := download.LoadHashes(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	l := &download.Loader{Source: src, Hashes: hashes, Optional: optionalModels, Progress: func(loaded, total int64) {
		report(map[string]any{"phase": "download", "loaded": loaded, "total": total})
	}}
	files, err := fetch(l, ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	report(map[string]any{"phase": "prepare"})
	return files, nil
}

// faceModelFiles is load's modelsUrl: opts.detector false fetches the
// recognition network alone; opts.encoder other than dlib also fetches its
// graph model (mobilefacenet.json, faceres.json).
func faceModelFiles(opts, onProgress js.Value) (fstest.MapFS, error) {
	return modelFiles(opts, onProgress, "load", "modelsUrl", func(l *download.Loader, ctx context.Context) (fstest.MapFS, error) {
		var graphs []string
		if e := opts.Get("encoder"); e.Type() == js.TypeString && e.String() != face.EncoderDlib {
			if err := face.CheckEncoderName(e.String()); err != nil {
				return nil, err
			}
			graphs = append(graphs, e.String()+".json")
		}
		if d := opts.Get("detector"); !d.IsUndefined() && !d.Truthy() {
			return l.TFJS(ctx, recognizerManifests, graphs)
		}
		return l.TFJS(ctx, append(append([]string(nil), recognizerManifests...), detectorManifests...), append(graphs, livenessGraphs...))
	})
}
