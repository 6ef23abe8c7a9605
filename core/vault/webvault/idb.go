//go:build js && wasm

package webvault

import (
	"errors"
	"fmt"
	"syscall/js"

	"github.com/gowebapi/webapi/dom/domcore"
	"github.com/gowebapi/webapi/html/channel"
	"github.com/gowebapi/webapi/indexeddb"

	"visage/core/vault"
)

// The database layout. Version 1 is what web/store.js wrote: one object
// store "faces" with the gallery as face-api.js JSON text under "gallery"
// and the thumbnails (name → ImageData) under "thumbs". Version 2 adds
// "records" (vault's sealed records, store key → Uint8Array) and "keys"
// (KeyRecord under "data-key"); Migrate moves version 1's data into them
// and empties "faces".
const (
	dbVersion    = 2
	recordsStore = "records"
	keysStore    = "keys"
	legacyStore  = "faces"
)

// DB is a gallery database in this origin's IndexedDB, and a Store of
// vault's records. Every Write commits durably ('strict') and then tells
// the DBs of the same name in other tabs and workers (a BroadcastChannel),
// whose OnChange handler runs.
type DB struct {
	name    string
	db      *indexeddb.IDBDatabase
	channel *channel.BroadcastChannel
	onMsg   js.Func
}

// OpenDB opens (creating or upgrading) the database called name.
func OpenDB(name string) (*DB, error) {
	factory := indexeddb.IDBFactoryFromJS(js.Global().Get("indexedDB"))
	if factory == nil {
		return nil, errors.New("this browser offers no IndexedDB here")
	}
	version := dbVersion
	req := factory.Open(name, &version)
	done := make(chan error, 1)
	upgrade := req.SetOnUpgradeNeeded(func(_ *domcore.Event, r *indexeddb.IDBOpenDBRequest) {
		db := indexeddb.IDBDatabaseFromJS(r.Result())
		for _, s := range []string{recordsStore, keysStore} {
			if !db.ObjectStoreNames().Contains(s) {
				db.CreateObjectStore(s, nil)
			}
		}
	})
	defer upgrade.Release()
	blocked := req.SetOnBlocked(func(*domcore.Event, *indexeddb.IDBOpenDBRequest) {
		done <- fmt.Errorf("the saved people are in use by an older copy of this page in another tab: close it and reload")
	})
	defer blocked.Release()
	success := req.SetOnSuccess(func(*domcore.Event, *indexeddb.IDBRequest) { done <- nil })
	defer success.Release()
	failed := req.SetOnError(func(_ *domcore.Event, r *indexeddb.IDBRequest) {
		done <- fmt.Errorf("opening IndexedDB %q: %w", name, jsError(r.Error().JSValue()))
	})
	defer failed.Release()
	if err := <-done; err != nil {
		return nil, err
	}
	d := &DB{name: name, db: indexeddb.IDBDatabaseFromJS(req.Result())}
	// A newer page in another tab upgrading the database: let it.
	d.db.SetOnVersionChange(func(*indexeddb.IDBVersionChangeEvent, *indexeddb.IDBDatabase) { d.db.Close() })
	d.channel = channel.NewBroadcastChannel("visage-vault:" + name)
	return d, nil
}

// OnChange has fn called (on a JS callback: it must not block) whenever
// another DB of this name writes.
func (d *DB) OnChange(fn func()) {
	if !d.onMsg.IsUndefined() {
		d.onMsg.Release()
	}
	d.onMsg = d.channel.SetOnMessage(func(*channel.MessageEvent, *channel.BroadcastChannel) { fn() })
}

// Close closes the database and stops listening to other tabs.
func (d *DB) Close() {
	d.channel.Close()
	if !d.onMsg.IsUndefined() {
		d.onMsg.Release()
	}
	d.db.Close()
}

// tx starts a transaction over stores. webapi's IDBDatabase.Transaction
// lacks the options argument, so syscall/js makes it, to ask for 'strict'
// durability: a change is on disk when Write returns, and survives the
// browser being closed right after.
func (d *DB) tx(mode indexeddb.IDBTransactionMode, stores ...string) *indexeddb.IDBTransaction {
	names := make([]any, len(stores))
	for i, s := range stores {
		names[i] = s
	}
	opts := map[string]any{"durability": "strict"}
	return indexeddb.IDBTransactionFromJS(d.db.JSValue().Call("transaction", names, mode.JSValue(), opts))
}

// wait blocks until tx commits, or returns why it aborted.
func wait(tx *indexeddb.IDBTransaction) error {
	done := make(chan error, 1)
	complete := tx.SetOnComplete(func(*domcore.Event, *indexeddb.IDBTransaction) { done <- nil })
	defer complete.Release()
	abort := tx.SetOnAbort(func(_ *domcore.Event, t *indexeddb.IDBTransaction) {
		if e := t.Error(); e != nil {
			done <- jsError(e.JSValue())
		} else {
			done <- errors.New("the transaction was aborted")
		}
	})
	defer abort.Release()
	return <-done
}

// Get returns the record at key.
func (d *DB) Get(key string) ([]byte, bool, error) {
	tx := d.tx(indexeddb.ReadonlyIDBTransactionMode, recordsStore)
	req := tx.ObjectStore(recordsStore).Get(key)
	if err := wait(tx); err != nil {
		return nil, false, fmt.Errorf("reading %s: %w", key, err)
	}
	v := req.Result()
	if v.IsUndefined() {
		return nil, false, nil
	}
	b, err := bytesGo(v)
	if err != nil {
		return nil, false, fmt.Errorf("record %s: %w", key, err)
	}
	return b, true, nil
}

// List returns every record.
func (d *DB) List() (map[string][]byte, error) {
	tx := d.tx(indexeddb.ReadonlyIDBTransactionMode, recordsStore)
	s := tx.ObjectStore(recordsStore)
	keys, values := s.GetAllKeys(nil, nil), s.GetAll(nil, nil)
	if err := wait(tx); err != nil {
		return nil, fmt.Errorf("reading the gallery: %w", err)
	}
	k, v := keys.Result(), values.Result()
	out := make(map[string][]byte, k.Length())
	for i := range k.Length() {
		if k.Index(i).Type() != js.TypeString {
			return nil, fmt.Errorf("the gallery holds a record whose key is not text: %v", k.Index(i))
		}
		b, err := bytesGo(v.Index(i))
		if err != nil {
			return nil, fmt.Errorf("record %s: %w", k.Index(i).String(), err)
		}
		out[k.Index(i).String()] = b
	}
	return out, nil
}

// Write puts and deletes in one transaction, then tells the other tabs.
func (d *DB) Write(puts map[string][]byte, deletes []string) error {
	tx := d.tx(indexeddb.ReadwriteIDBTransactionMode, recordsStore)
	s := tx.ObjectStore(recordsStore)
	for _, k := range deletes {
		s.Delete(k)
	}
	for k, v := range puts {
		s.Put(bytesJS(v), k)
	}
	if err := wait(tx); err != nil {
		return fmt.Errorf("saving the gallery: %w", err)
	}
	d.channel.PostMessage("changed")
	return nil
}

var _ vault.Store = (*DB)(nil)
