package face

import (
	"fmt"
	"math"
	"strings"
)

// Gallery holds the people enrolled for verification and identification: for
// each a label and one or more descriptors, and the decision threshold. One
// descriptor per person suffices (one-shot enrollment); more make the decision
// more robust, since a query is compared with the closest of them.
//
// A query matches a person when its distance to that person's closest
// descriptor is below the threshold (strictly, as in face-api.js's
// FaceMatcher.findBestMatch). FaceMatcher itself uses the mean distance over a
// person's descriptors; the closest one is used here so that adding a poor
// photo of someone never makes a good one stop matching.
//
// The zero value is not ready for use; call NewGallery. A Gallery is not safe
// for concurrent use while it is being changed.
type Gallery struct {
	threshold float64
	people    []person // in enrollment order, labels unique
	search    search   // built from people when needed (search.go)
	// encoder names the encoder of every descriptor ("" is EncoderDlib):
	// descriptors of another encoder are refused, never compared.
	encoder string
}

// person is one enrolled identity. The gallery owns the descriptors.
type person struct {
	label       string
	descriptors [][]float32
}

// NewGallery returns an empty gallery with threshold DefaultThreshold.
func NewGallery() *Gallery {
	return &Gallery{threshold: DefaultThreshold}
}

// NewGalleryFor returns an empty gallery for the descriptors of the encoder
// called name (EncoderDlib, EncoderMobileFaceNet) with that encoder's
// default threshold (EncoderThreshold).
func NewGalleryFor(name string) (*Gallery, error) {
	if err := CheckEncoderName(name); err != nil {
		return nil, err
	}
	g := &Gallery{threshold: EncoderThreshold(name), encoder: name}
	if name == EncoderDlib {
		g.encoder = ""
	}
	return g, nil
}

// Encoder returns the name of the encoder whose descriptors g holds.
func (g *Gallery) Encoder() string {
	if g.encoder == "" {
		return EncoderDlib
	}
	return g.encoder
}

// CheckEncoder reports whether descriptors of the encoder called name may
// be enrolled in or compared with g: only g's own encoder's may, since
// distances between two encoders' descriptors mean nothing.
func (g *Gallery) CheckEncoder(name string) error {
	if name != g.Encoder() {
		return fmt.Errorf("face: the gallery holds %s descriptors; %s descriptors cannot be enrolled in it or compared with them (use the %s encoder, or a gallery made with %s)", g.Encoder(), name, g.Encoder(), name)
	}
	return nil
}

// checkDescriptor is CheckDescriptor for g's encoder's descriptor length.
func (g *Gallery) checkDescriptor(enc []float32) error {
	if err := vectorError(enc, EncoderDim(g.Encoder())); err != nil {
		return fmt.Errorf("face: %s %w", g.Encoder(), err)
	}
	return nil
}

// Threshold returns the distance below which a query matches a person.
func (g *Gallery) Threshold() float64 { return g.threshold }

// SetThreshold sets the decision threshold; it must lie in (0, MaxThreshold].
func (g *Gallery) SetThreshold(t float64) error {
	if err := CheckThreshold(t); err != nil {
		return err
	}
	g.threshold = t
	return nil
}

// CheckThreshold reports whether t is a usable decision threshold: a number in
// (0, MaxThreshold]. The error says so, naming t.
func CheckThreshold(t float64) error {
	return thresholdError("distance threshold", t)
}

// thresholdError is CheckThreshold for the threshold called what.
func thresholdError(what string, t float64) error {
	switch {
	case t > MaxThreshold:
		return fmt.Errorf("face: %s must be in (0, %v], found %v (beyond %[2]v nearly any two faces match)", what, MaxThreshold, t)
	case !(t > 0):
		return fmt.Errorf("face: %s must be in (0, %v], found %v", what, MaxThreshold, t)
	}
	return nil
}

// CheckDescriptor reports whether enc is a face descriptor: DescriptorLen
// finite numbers.
func CheckDescriptor(enc []float32) error {
	if err := descriptorError(enc); err != nil {
		return fmt.Errorf("face: %w", err)
	}
	return nil
}

// CheckEncoderDescriptor reports whether enc is a descriptor of the encoder
// called name: EncoderDim(name) finite numbers.
func CheckEncoderDescriptor(name string, enc []float32) error {
	if err := CheckEncoderName(name); err != nil {
		return err
	}
	if err := vectorError(enc, EncoderDim(name)); err != nil {
		return fmt.Errorf("face: %s %w", name, err)
	}
	return nil
}

// descriptorError is CheckDescriptor without the package prefix.
func descriptorError(enc []float32) error { return vectorError(enc, DescriptorLen) }

// CheckVector reports whether v holds dim finite numbers: a descriptor of
// any encoder, or another vector kept per image (the LFW caches' landmarks).
func CheckVector(v []float32, dim int) error { return vectorError(v, dim) }

// vectorError reports whether enc is a descriptor of dim finite numbers.
func vectorError(enc []float32, dim int) error {
	if len(enc) != dim {
		return fmt.Errorf("descriptor must have %d numbers, found %d", dim, len(enc))
	}
	for i, v := range enc {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("descriptor value %d must be finite, found %v", i, v)
		}
	}
	return nil
}

// labelError reports whether name can label a person: not empty or blank.
func labelError(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("a person's name must not be empty or blank, found %q", name)
	}
	return nil
}

// find returns the index of the person labelled name, or -1.
func (g *Gallery) find(name string) int { return g.position(name) }

// Enroll adds a copy of enc to the person called name, adding the person if
// new. It fails, changing nothing, when name is empty or enc is not a
// descriptor of g's encoder (its length; see CheckDescriptor). Callers
// check where enc came from with CheckEncoder.
func (g *Gallery) Enroll(name string, enc []float32) error {
	if err := labelError(name); err != nil {
		return fmt.Errorf("face: %w", err)
	}
	if err := g.checkDescriptor(enc); err != nil {
		return err
	}
	enc = append([]float32(nil), enc...)
	if i := g.find(name); i >= 0 {
		g.people[i].descriptors = append(g.people[i].descriptors, enc)
		g.added("")
		return nil
	}
	g.people = append(g.people, person{label: name, descriptors: [][]float32{enc}})
	g.added(name)
	return nil
}

// Verify compares enc with the person called name. dist is the distance to
// that person's closest descriptor and match is dist < Threshold(). It fails
// when no one is called name or enc is not a descriptor.
func (g *Gallery) Verify(name string, enc []float32) (match bool, dist float64, err error) {
	i := g.find(name)
	if i < 0 {
		return false, 0, fmt.Errorf("face: no one called %q is enrolled", name)
	}
	if err := g.checkDescriptor(enc); err != nil {
		return false, 0, err
	}
	dist = g.people[i].closest(enc)
	return dist < g.threshold, dist, nil
}

// Identify returns the person whose closest descriptor is nearest to enc and
// that distance; ok says whether it is below Threshold(). With no one enrolled
// dist is +Inf; when enc is not one of the gallery's encoder's descriptors
// (EncoderDim finite numbers), dist is NaN.
// Either way ok is false and name is "".
//
// It scans every descriptor with one matrix kernel (see search.go): 100,000
// people take about 10 ms.
func (g *Gallery) Identify(enc []float32) (name string, dist float64, ok bool) {
	return g.IdentifyBelow(enc, g.threshold)
}

// IdentifyBelow is Identify deciding with threshold instead of Threshold():
// ok says whether dist < threshold. Identify's threshold for a target
// rate of strangers named grows stricter with the gallery's size (see
// core/fpir), while Verify keeps Threshold().
func (g *Gallery) IdentifyBelow(enc []float32, threshold float64) (name string, dist float64, ok bool) {
	name, dist, _, ok = g.IdentifyMargin(enc, threshold, 0)
	return name, dist, ok
}

// IdentifyMargin is IdentifyBelow with the margin rule: the nearest person
// is named when d1 − margin·(d2 − d1) < threshold, where d1 and d2 are the
// distances to the nearest and the second-nearest person (d2 = +Inf, so the
// plain rule, with one person enrolled). A probe about as close to two
// people is held back; margin 0 is the plain nearest-neighbour rule. dist
// is d1, score the rule's score (NaN and +Inf as dist).
func (g *Gallery) IdentifyMargin(enc []float32, threshold, margin float64) (name string, dist, score float64, ok bool) {
	if g.checkDescriptor(enc) != nil {
		return "", math.NaN(), math.NaN(), false
	}
	i, dist, second := g.nearest(enc, margin != 0)
	score = dist
	if margin != 0 && !math.IsInf(second, 1) {
		score = dist - margin*(second-dist)
	}
	if i < 0 || !(score < threshold) {
		return "", dist, score, false
	}
	return g.people[i].label, dist, score, true
}

// closest returns the distance from enc to p's nearest descriptor (NaN if any is NaN).
func (p person) closest(enc []float32) float64 {
	best := math.Inf(1)
	for _, d := range p.descriptors {
		dist := Distance(d, enc)
		if math.IsNaN(dist) {
			return dist
		}
		best = math.Min(best, dist)
	}
	return best
}

// Remove deletes the person called name and all their descriptors.
func (g *Gallery) Remove(name string) error {
	i := g.find(name)
	if i < 0 {
		return fmt.Errorf("face: no one called %q is enrolled", name)
	}
	g.people = append(g.people[:i], g.people[i+1:]...)
	g.search.forget()
	return nil
}

// Rename relabels the person called old as new, keeping their descriptors and
// place. It fails when old is not enrolled, new is empty, or someone else is
// already called new.
func (g *Gallery) Rename(old, new string) error {
	i := g.find(old)
	if i < 0 {
		return fmt.Errorf("face: no one called %q is enrolled", old)
	}
	if err := labelError(new); err != nil {
		return fmt.Errorf("face: %w", err)
	}
	if j := g.find(new); j >= 0 && j != i {
		return fmt.Errorf("face: cannot rename %q to %q: that name is already enrolled", old, new)
	}
	g.people[i].label = new
	g.search.forget()
	return nil
}

// Len returns the number of people enrolled.
func (g *Gallery) Len() int { return len(g.people) }

// Names returns the enrolled people's labels in enrollment order, in a new slice.
func (g *Gallery) Names() []string {
	names := make([]string, len(g.people))
	for i, p := range g.people {
		names[i] = p.label
	}
	return names
}

// Descriptors returns the descriptors enrolled for name (none if no one is
// called name) in a new slice; the descriptors themselves are the gallery's
// and must not be changed.
func (g *Gallery) Descriptors(name string) [][]float32 {
	if i := g.find(name); i >= 0 {
		return append([][]float32(nil), g.people[i].descriptors...)
	}
	return nil
}

// DescriptorCount returns how many descriptors are enrolled for name (0 if none).
func (g *Gallery) DescriptorCount(name string) int {
	if i := g.find(name); i >= 0 {
		return len(g.people[i].descriptors)
	}
	return 0
}
