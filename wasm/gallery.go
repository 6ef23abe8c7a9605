//go:build js && wasm

package main

import (
	"encoding/json"
	"syscall/js"

	"visage/core/face"
)

// galleryInfo: gallery() → {threshold, people: [{name, samples}, …]}, people
// in enrollment order.
func (a *api) galleryInfo([]js.Value) (any, error) {
	names := a.gallery.Names()
	people := make([]any, len(names))
	for i, n := range names {
		people[i] = map[string]any{"name": n, "samples": a.gallery.DescriptorCount(n)}
	}
	return map[string]any{"threshold": a.gallery.Threshold(), "people": people}, nil
}

// removePerson(name) → gallery()
func (a *api) remove(args []js.Value) (any, error) {
	name, err := stringOf(arg(args, 0), "removePerson: name")
	if err != nil {
		return nil, err
	}
	if err := a.gallery.Remove(name); err != nil {
		return nil, err
	}
	return a.galleryInfo(nil)
}

// renamePerson(old, new) → gallery()
func (a *api) rename(args []js.Value) (any, error) {
	old, err := stringOf(arg(args, 0), "renamePerson: old name")
	if err != nil {
		return nil, err
	}
	name, err := stringOf(arg(args, 1), "renamePerson: new name")
	if err != nil {
		return nil, err
	}
	if err := a.gallery.Rename(old, name); err != nil {
		return nil, err
	}
	return a.galleryInfo(nil)
}

// setThreshold(t) → gallery()
func (a *api) setThreshold(args []js.Value) (any, error) {
	t, err := numberOf(arg(args, 0), "setThreshold: threshold")
	if err != nil {
		return nil, err
	}
	if err := a.gallery.SetThreshold(t); err != nil {
		return nil, err
	}
	return a.galleryInfo(nil)
}

// clearGallery() → gallery(): forgets everyone; the threshold stays.
func (a *api) clear([]js.Value) (any, error) {
	g, err := face.NewGalleryFor(a.gallery.Encoder())
	if err != nil {
		return nil, err
	}
	if err := g.SetThreshold(a.gallery.Threshold()); err != nil {
		return nil, err
	}
	a.gallery = g
	return a.galleryInfo(nil)
}

// importGallery(json) → gallery(). The current gallery changes only when all
// of json is valid.
func (a *api) importGallery(args []js.Value) (any, error) {
	text, err := stringOf(arg(args, 0), "importGallery: json")
	if err != nil {
		return nil, err
	}
	g := face.NewGallery()
	if err := g.UnmarshalJSON([]byte(text)); err != nil {
		return nil, err
	}
	if err := g.CheckEncoder(a.gallery.Encoder()); err != nil { // FaceMatcher's files are dlib's
		return nil, err
	}
	a.gallery = g
	return a.galleryInfo(nil)
}

// exportGallery() → string in FaceMatcher.toJSON's layout.
func (a *api) exportGallery([]js.Value) (any, error) {
	data, err := json.Marshal(a.gallery)
	if err != nil {
		return nil, err
	}
	return string(data), nil
}
