package main

import (
	"fmt"
	"os"

	"visage/core/face"
	"visage/core/learn"
)

// loadHeadFlag reads a --head file ("" means none: a nil head, plain
// distance) and checks that it takes face descriptors.
func loadHeadFlag(path string) (*learn.Head, error) {
	if path == "" {
		return nil, nil
	}
	h, err := learn.LoadHead(path)
	if err != nil {
		return nil, err
	}
	if err := h.CheckDescriptors(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return h, nil
}

// scoreName says what h's score of a pair is (nil: plain distance).
func scoreName(h *learn.Head) string {
	switch {
	case h == nil:
		return "Euclidean distance"
	case h.HigherIsSame():
		return "P(same) of the pair classifier (larger is same)"
	default:
		return "distance between the head's embeddings"
	}
}

// warnHeadCache warns on stderr when the head named name was trained on
// encodings other than the cache's (another encoder or alignment).
func warnHeadCache(name string, h *learn.Head, c *face.EncodingCache) {
	if h == nil {
		return
	}
	enc, align := h.Info["encoder"], h.Info["alignment"]
	if enc != c.Encoder || align != c.Alignment {
		fmt.Fprintf(os.Stderr, "warning: %s was trained on %v/%v encodings, the cache holds %s/%s\n", name, enc, align, c.Encoder, c.Alignment)
	}
}
