// Package vault keeps a face gallery as one sealed record per person in a
// key-value Store, so that the browser (IndexedDB, see core/vault/webvault) and the
// CLI (a JSON file, see File) share one record format and one encryption.
//
// A person's record (Person, record.go) is JSON: schema version, stable id,
// name, encoder tag, descriptors and an optional RGBA thumbnail. A Sealer
// (seal.go) turns it into the bytes that are stored: AES-256-GCM with a fresh
// 96-bit IV per record and the record's id and schema version as associated
// data, so a record cannot be swapped for another's or replayed under another
// version undetected. Gallery (store.go) is the people and the threshold on
// top of a Store and a Sealer: every change is written before it is made in
// memory, so a failed write changes nothing.
package vault
