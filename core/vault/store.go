package vault

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"visage/core/face"
)

// Store keeps sealed records by key. Implementations: MemStore here, an
// IndexedDB object store in the browser (core/vault/webvault). Each call is one
// transaction.
type Store interface {
	// Get returns the value at key; ok is false when there is none.
	Get(key string) (value []byte, ok bool, err error)
	// List returns every key and value.
	List() (map[string][]byte, error)
	// Write puts every entry of puts and deletes every key of deletes (a
	// missing key is no error), all or nothing.
	Write(puts map[string][]byte, deletes []string) error
}

// MemStore is a Store in memory, safe for concurrent use. The zero value is
// empty and ready.
type MemStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

// Get returns a copy of the value at key.
func (s *MemStore) Get(key string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	return slices.Clone(v), ok, nil
}

// List returns a copy of every entry.
func (s *MemStore) List() (map[string][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]byte, len(s.m))
	for k, v := range s.m {
		out[k] = slices.Clone(v)
	}
	return out, nil
}

// Write stores copies of puts and removes deletes.
func (s *MemStore) Write(puts map[string][]byte, deletes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	for _, k := range deletes {
		delete(s.m, k)
	}
	for k, v := range puts {
		s.m[k] = slices.Clone(v)
	}
	return nil
}

// Gallery is a face gallery whose people and threshold live in a Store, one
// sealed record per person (store key "person/"+ID) and one for the
// settings. Every change is sealed and written first and made in memory only
// once the write succeeded: a failed change leaves both as they were. A
// change to a person re-reads their record first, so a change that another
// writer (another tab) made to that person since the last Reload is kept.
//
// A Gallery is not safe for concurrent use; its Store may be shared with
// other Galleries (other tabs), which then see each other's changes at their
// next Reload.
type Gallery struct {
	store  Store
	sealer Sealer
	match  *face.Gallery      // what Matcher returns: the same pointer for the Gallery's life
	people map[string]*Person // by name; descriptors shared with match
	now    func() int64       // Created of a new person
	last   int64              // the last Created handed out
}

// Open loads the gallery in store, opening every record with sealer. A
// record that does not open or does not parse is an error naming it, and
// nothing is returned: records are never dropped silently.
func Open(store Store, sealer Sealer) (*Gallery, error) {
	g := &Gallery{store: store, sealer: sealer, match: face.NewGallery(), now: func() int64 { return time.Now().UnixMilli() }}
	if err := g.Reload(); err != nil {
		return nil, err
	}
	return g, nil
}

// Reload reads the store again (another writer may have changed it). Two
// records with one name (two writers enrolled the same new name at once)
// are shown as one person, the older record's, with both's descriptors; the
// next change to that person merges them in the store. On an error the
// gallery is unchanged.
func (g *Gallery) Reload() error {
	all, err := g.store.List()
	if err != nil {
		return err
	}
	threshold := face.DefaultThreshold
	var people []*Person
	for key, sealed := range all {
		if key == settingsKey {
			plain, err := g.sealer.Open(key, sealed)
			if err != nil {
				return fmt.Errorf("vault: settings: %w", err)
			}
			if threshold, err = unmarshalSettings(plain); err != nil {
				return err
			}
			continue
		}
		id, ok := strings.CutPrefix(key, personPrefix)
		if !ok {
			return fmt.Errorf("vault: the store holds %q, expected only %q and keys starting %q", key, settingsKey, personPrefix)
		}
		p, err := g.openPerson(id, sealed)
		if err != nil {
			return err
		}
		people = append(people, &p)
	}
	slices.SortFunc(people, func(a, b *Person) int {
		if a.Created != b.Created {
			return int(min(max(a.Created-b.Created, -1), 1))
		}
		return strings.Compare(a.ID, b.ID)
	})
	// The matcher is for the people's encoder (one for all), or stays the
	// current one's when there is no one.
	encoder := g.match.Encoder()
	for i, p := range people {
		if i == 0 {
			encoder = p.Encoder
		} else if p.Encoder != encoder {
			return fmt.Errorf("vault: person %s has %s descriptors, person %s %s: a gallery holds one encoder's", people[0].ID, encoder, p.ID, p.Encoder)
		}
	}
	match, err := face.NewGalleryFor(encoder)
	if err != nil {
		return fmt.Errorf("vault: %w", err)
	}
	if err := match.SetThreshold(threshold); err != nil {
		return err
	}
	byName := make(map[string]*Person, len(people))
	for _, p := range people {
		if first, ok := byName[p.Name]; ok {
			first.Descriptors = append(first.Descriptors, p.Descriptors...)
			first.merged = append(first.merged, p.ID)
		} else {
			byName[p.Name] = p
		}
		for _, d := range p.Descriptors {
			if err := match.Enroll(p.Name, d); err != nil {
				return fmt.Errorf("vault: person %s: %w", p.ID, err)
			}
		}
		g.last = max(g.last, p.Created)
	}
	g.match.Replace(match)
	g.people = byName
	return nil
}

// openPerson opens and parses the record of the person id.
func (g *Gallery) openPerson(id string, sealed []byte) (Person, error) {
	plain, err := g.sealer.Open(personPrefix+id, sealed)
	if err != nil {
		return Person{}, fmt.Errorf("vault: person %s: %w", id, err)
	}
	return UnmarshalRecord(id, plain)
}

// Matcher returns the gallery to match faces against. It is the same
// *face.Gallery for the Gallery's life, changed in place by every change and
// Reload; it must not be changed by the caller.
func (g *Gallery) Matcher() *face.Gallery { return g.match }

// Person returns a copy of the record of the person called name.
func (g *Gallery) Person(name string) (Person, bool) {
	p, ok := g.people[name]
	if !ok {
		return Person{}, false
	}
	c := *p
	c.merged = nil
	return c, true
}

// Enroll adds desc (from encoder; "" means DefaultEncoder) to the person
// called name, a new person when no one is: with thumb as their picture,
// which is also kept for a person who has none yet. It returns the person's
// number of descriptors.
func (g *Gallery) Enroll(name, encoder string, desc []float32, thumb *Thumbnail) (int, error) {
	if encoder == "" {
		encoder = DefaultEncoder
	}
	if err := face.CheckEncoderDescriptor(encoder, desc); err != nil {
		return 0, err
	}
	p, err := g.fresh(name)
	if err != nil {
		return 0, err
	}
	if p == nil {
		id, err := newID()
		if err != nil {
			return 0, err
		}
		g.last = max(g.now(), g.last+1)
		p = &Person{ID: id, Name: name, Encoder: encoder, Created: g.last}
	} else if p.Encoder != encoder {
		return 0, fmt.Errorf("vault: %q has descriptors from the %s encoder, cannot add one from %s", name, p.Encoder, encoder)
	}
	p.Descriptors = append(slices.Clip(p.Descriptors), slices.Clone(desc))
	if p.Thumbnail == nil && thumb != nil {
		t := *thumb
		t.RGBA = slices.Clone(t.RGBA)
		p.Thumbnail = &t
	}
	if err := g.write([]*Person{p}, nil); err != nil {
		return 0, err
	}
	return len(p.Descriptors), nil
}

// Remove forgets the person called name.
func (g *Gallery) Remove(name string) error {
	p, err := g.fresh(name)
	if err != nil {
		return err
	}
	if p == nil {
		return fmt.Errorf("vault: no one called %q is enrolled", name)
	}
	return g.write(nil, []*Person{p})
}

// Rename relabels the person called old as new, keeping their id,
// descriptors, picture and place. It fails when old is not enrolled, new is
// blank, or someone else is called new.
func (g *Gallery) Rename(old, new string) error {
	p, err := g.fresh(old)
	if err != nil {
		return err
	}
	if p == nil {
		return fmt.Errorf("vault: no one called %q is enrolled", old)
	}
	if strings.TrimSpace(new) == "" {
		return fmt.Errorf("vault: a person's name must not be empty or blank, found %q", new)
	}
	if other, ok := g.people[new]; ok && other.ID != p.ID {
		return fmt.Errorf("vault: cannot rename %q to %q: that name is already enrolled", old, new)
	}
	p.Name = new
	return g.write([]*Person{p}, nil)
}

// SetThreshold sets the decision threshold, in (0, face.MaxThreshold].
func (g *Gallery) SetThreshold(t float64) error {
	plain, err := marshalSettings(t)
	if err != nil {
		return err
	}
	sealed, err := g.sealer.Seal(settingsKey, plain)
	if err != nil {
		return err
	}
	if err := g.store.Write(map[string][]byte{settingsKey: sealed}, nil); err != nil {
		return err
	}
	return g.match.SetThreshold(t)
}

// Clear forgets everyone; the threshold stays.
func (g *Gallery) Clear() error {
	return g.Replace(nil, g.match.Threshold())
}

// Replace makes people the gallery's people, in their order, and threshold
// its threshold, in one Store write that removes everyone else. A person
// without an ID is given one; each is given a Created after everyone's now,
// in their order. Names must be unique.
func (g *Gallery) Replace(people []Person, threshold float64) error {
	settings, err := marshalSettings(threshold)
	if err != nil {
		return err
	}
	all, err := g.store.List()
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	puts := make([]*Person, len(people))
	seen := map[string]bool{}
	for i, p := range people {
		if seen[p.Name] {
			return fmt.Errorf("vault: %q appears more than once", p.Name)
		}
		seen[p.Name] = true
		if p.ID == "" {
			if p.ID, err = newID(); err != nil {
				return err
			}
		}
		g.last = max(g.now(), g.last+1)
		p.Created = g.last
		p.merged = nil
		puts[i] = &p
		keep[personPrefix+p.ID] = true
	}
	sealed, err := g.seal(puts)
	if err != nil {
		return err
	}
	if sealed[settingsKey], err = g.sealer.Seal(settingsKey, settings); err != nil {
		return err
	}
	var deletes []string
	for key := range all {
		if strings.HasPrefix(key, personPrefix) && !keep[key] {
			deletes = append(deletes, key)
		}
	}
	if err := g.store.Write(sealed, deletes); err != nil {
		return err
	}
	return g.Reload()
}

// People returns copies of everyone's records in enrollment order.
func (g *Gallery) People() []Person {
	names := g.match.Names()
	out := make([]Person, len(names))
	for i, n := range names {
		out[i], _ = g.Person(n)
	}
	return out
}

// fresh returns the record of the person called name as the store holds it
// now (nil when no one is called name here), with any records merged into
// it by Reload.
func (g *Gallery) fresh(name string) (*Person, error) {
	p, ok := g.people[name]
	if !ok {
		return nil, nil
	}
	c := *p
	sealed, ok, err := g.store.Get(personPrefix + p.ID)
	if err != nil {
		return nil, err
	}
	if !ok { // another writer removed them: what is shown here is what is changed
		return &c, nil
	}
	stored, err := g.openPerson(p.ID, sealed)
	if err != nil {
		return nil, err
	}
	if stored.Name != name { // renamed elsewhere: this change is made on what this gallery shows
		return &c, nil
	}
	stored.merged = p.merged
	for _, id := range p.merged {
		if sealed, ok, err := g.store.Get(personPrefix + id); err != nil {
			return nil, err
		} else if ok {
			other, err := g.openPerson(id, sealed)
			if err != nil {
				return nil, err
			}
			stored.Descriptors = append(stored.Descriptors, other.Descriptors...)
		}
	}
	return &stored, nil
}

// write seals and stores puts and deletes (and the records merged into
// either) in one Store write, then reloads.
func (g *Gallery) write(puts, deletes []*Person) error {
	sealed, err := g.seal(puts)
	if err != nil {
		return err
	}
	var keys []string
	for _, p := range slices.Concat(puts, deletes) {
		for _, id := range p.merged {
			keys = append(keys, personPrefix+id)
		}
	}
	for _, p := range deletes {
		keys = append(keys, personPrefix+p.ID)
	}
	if err := g.store.Write(sealed, keys); err != nil {
		return err
	}
	return g.Reload()
}

// seal returns the sealed records of people by store key.
func (g *Gallery) seal(people []*Person) (map[string][]byte, error) {
	out := make(map[string][]byte, len(people))
	for _, p := range people {
		plain, err := MarshalRecord(*p)
		if err != nil {
			return nil, err
		}
		if out[personPrefix+p.ID], err = g.sealer.Seal(personPrefix+p.ID, plain); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// newID returns a random 128-bit id in hex.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
