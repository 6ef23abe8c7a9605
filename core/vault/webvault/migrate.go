//go:build js && wasm

package webvault

import (
	"fmt"
	"syscall/js"

	"github.com/gowebapi/webapi/dom/domcore"
	"github.com/gowebapi/webapi/indexeddb"

	"visage/core/vault"
)

// Migrate moves what web/store.js kept in the clear (version 1: "faces"
// holding "gallery", face-api.js JSON text, and "thumbs", name → ImageData)
// into sealed records, and deletes it, in one transaction: it happens once
// however many tabs try, and a failure leaves the old data as it was. It
// returns how many people it moved (0 when there was nothing to move).
func (d *DB) Migrate(sealer vault.Sealer) (int, error) {
	if !d.db.ObjectStoreNames().Contains(legacyStore) {
		return 0, nil
	}
	// Read, then seal outside any transaction (sealing awaits SubtleCrypto,
	// and a transaction commits as soon as it has nothing to do)…
	tx := d.tx(indexeddb.ReadonlyIDBTransactionMode, legacyStore)
	s := tx.ObjectStore(legacyStore)
	galleryReq, thumbsReq := s.Get("gallery"), s.Get("thumbs")
	if err := wait(tx); err != nil {
		return 0, fmt.Errorf("reading the saved people of the older page: %w", err)
	}
	text := galleryReq.Result()
	if text.IsUndefined() {
		return 0, nil
	}
	if text.Type() != js.TypeString {
		return 0, fmt.Errorf("the older page's saved gallery must be JSON text, found %s; it is left as it is", text.Type())
	}
	thumbs, err := legacyThumbs(thumbsReq.Result())
	if err != nil {
		return 0, fmt.Errorf("the older page's thumbnails: %w; they are left as they are", err)
	}
	people, threshold, err := vault.FromFaceMatcher([]byte(text.String()), thumbs)
	if err != nil {
		return 0, fmt.Errorf("the older page's saved gallery: %w; it is left as it is", err)
	}
	sealed := &vault.MemStore{}
	g, err := vault.Open(sealed, sealer)
	if err != nil {
		return 0, err
	}
	if err := g.Replace(people, threshold); err != nil {
		return 0, err
	}
	records, err := sealed.List()
	if err != nil {
		return 0, err
	}
	// …then write them only if the old gallery is still there (another tab
	// may have moved it meanwhile), all in one transaction.
	tx = d.tx(indexeddb.ReadwriteIDBTransactionMode, legacyStore, recordsStore)
	old := tx.ObjectStore(legacyStore)
	check := old.Get("gallery")
	moved := len(people)
	success := check.SetOnSuccess(func(*domcore.Event, *indexeddb.IDBRequest) {
		// In the request's success event the transaction is active, so
		// these join it.
		if check.Result().IsUndefined() {
			moved = 0
			return
		}
		for k, v := range records {
			tx.ObjectStore(recordsStore).Put(bytesJS(v), k)
		}
		old.Delete("gallery")
		old.Delete("thumbs")
	})
	defer success.Release()
	if err := wait(tx); err != nil {
		return 0, fmt.Errorf("moving the older page's saved people: %w; they are left as they were", err)
	}
	if moved > 0 {
		d.channel.PostMessage("changed")
	}
	return moved, nil
}

// legacyThumbs reads store.js's thumbnails: an object whose values are
// ImageData (or undefined when none were saved).
func legacyThumbs(v js.Value) (map[string]vault.Thumbnail, error) {
	out := map[string]vault.Thumbnail{}
	if v.IsUndefined() || v.IsNull() {
		return out, nil
	}
	names := js.Global().Get("Object").Call("keys", v)
	for i := range names.Length() {
		name := names.Index(i).String()
		img := v.Get(name)
		w, h := img.Get("width"), img.Get("height")
		if w.Type() != js.TypeNumber || h.Type() != js.TypeNumber {
			return nil, fmt.Errorf("the thumbnail of %q is not an ImageData", name)
		}
		rgba, err := bytesGo(img.Get("data"))
		if err != nil {
			return nil, fmt.Errorf("the thumbnail of %q: %w", name, err)
		}
		out[name] = vault.Thumbnail{Width: w.Int(), Height: h.Int(), RGBA: rgba}
	}
	return out, nil
}
