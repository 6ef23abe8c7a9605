// Package openset measures recognition among K people the way 1:N systems
// are measured (NIST FRVT 1:N, ISO/IEC 19795-1): a gallery of K enrolled
// people, mated probes (other images of enrolled people), which should be
// named, and non-mated probes (people never enrolled), which should be told
// "not recognized".
//
// The people are split, by a seeded shuffle, into two disjoint sets: the
// calibration people, on whose non-mated scores the thresholds for a target
// FPIR are chosen, and the test people, on whom everything is reported. Every
// probe is scored: a probe whose image gave no face is a miss when mated and
// a correct rejection when not.
package openset

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
)

// Sample is one image of a person and its descriptor (nil when the image gave
// no face).
type Sample struct {
	Person string
	Image  string
	Desc   []float32
}

// Options choose a trial.
type Options struct {
	// K is the number of enrolled people; 0 (or more than can be enrolled)
	// means every enrollable person of the half.
	K int
	// Enroll is the most samples enrolled per person (1: one-shot). A person
	// is enrollable with two or more samples, one of them a face, and
	// enrolls up to Enroll faces, keeping at least one sample as a probe.
	Enroll int
	// Seed drives every random choice: the halves, who is enrolled, which
	// samples are enrolled.
	Seed uint64
	// FillWithSingles lets a gallery that wants more people than are
	// enrollable also enroll people with a single face (they are never
	// probed as mated), while a quarter of the people stay strangers. A
	// calibration gallery needs only its strangers' scores, and with it
	// can be as large as the test gallery whose threshold it sets.
	FillWithSingles bool
}

// Trial is one gallery and its probes.
type Trial struct {
	Gallery    map[string][]Sample // enrolled person → the samples enrolled
	Mated      []Sample            // other samples of enrolled people
	NonMated   []Sample            // samples of people not enrolled
	Enrolled   []string            // the gallery's people, sorted
	Enrollable int                 // people who could have been enrolled
}

// Split divides the people of samples into calibration people (a share
// calibration of a seeded shuffle, rounded down) and test people, each as a
// list of samples in the input's order.
func Split(samples []Sample, calibration float64, seed uint64) (cal, test []Sample) {
	people := peopleOf(samples)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	rng.Shuffle(len(people), func(i, j int) { people[i], people[j] = people[j], people[i] })
	inTest := map[string]bool{}
	nCal := int(calibration * float64(len(people)))
	for i, p := range people {
		inTest[p] = i >= nCal
	}
	for _, s := range samples {
		if inTest[s.Person] {
			test = append(test, s)
		} else {
			cal = append(cal, s)
		}
	}
	return cal, test
}

// NewTrial enrolls opts.K enrollable people of samples (chosen by opts.Seed)
// with up to opts.Enroll samples each (faces only, chosen at random), and
// makes every other sample a probe: mated if its person is enrolled,
// non-mated otherwise. It fails when opts.Enroll < 1 or nobody is
// enrollable.
func NewTrial(samples []Sample, opts Options) (*Trial, error) {
	if opts.Enroll < 1 {
		return nil, fmt.Errorf("openset: %d samples enrolled per person, want at least 1", opts.Enroll)
	}
	if opts.K < 0 {
		return nil, fmt.Errorf("openset: gallery of %d people, want at least 1 (0: all)", opts.K)
	}
	byPerson := map[string][]Sample{}
	for _, s := range samples {
		byPerson[s.Person] = append(byPerson[s.Person], s)
	}
	var enrollable []string
	for _, p := range peopleOf(samples) {
		ss := byPerson[p]
		if len(ss) >= 2 && faces(ss) >= 1 {
			enrollable = append(enrollable, p)
		}
	}
	if len(enrollable) == 0 {
		return nil, errors.New("openset: nobody has two images, one of them with a face")
	}
	rng := rand.New(rand.NewPCG(opts.Seed, uint64(opts.Enroll)))
	rng.Shuffle(len(enrollable), func(i, j int) { enrollable[i], enrollable[j] = enrollable[j], enrollable[i] })
	k := opts.K
	if k == 0 || k > len(enrollable) {
		k = len(enrollable)
	}
	t := &Trial{Gallery: map[string][]Sample{}, Enrollable: len(enrollable)}
	chosen := enrollable[:k]
	if opts.FillWithSingles && opts.K > k {
		var singles []string
		for _, p := range peopleOf(samples) {
			if ss := byPerson[p]; len(ss) == 1 && faces(ss) == 1 {
				singles = append(singles, p)
			}
		}
		rng.Shuffle(len(singles), func(i, j int) { singles[i], singles[j] = singles[j], singles[i] })
		room := len(byPerson) - (len(byPerson)+3)/4 - k // a quarter stay strangers
		chosen = append(slices.Clone(chosen), singles[:max(0, min(opts.K-k, room, len(singles)))]...)
	}
	for _, p := range chosen {
		ss := slices.Clone(byPerson[p])
		rng.Shuffle(len(ss), func(i, j int) { ss[i], ss[j] = ss[j], ss[i] })
		// Faces first, keeping the shuffled order otherwise: enroll the first
		// faces, probe with the rest.
		sort.SliceStable(ss, func(i, j int) bool { return ss[i].Desc != nil && ss[j].Desc == nil })
		n := min(opts.Enroll, faces(ss), max(1, len(ss)-1)) // a single is enrolled whole
		t.Gallery[p] = ss[:n]
		t.Mated = append(t.Mated, ss[n:]...)
		t.Enrolled = append(t.Enrolled, p)
	}
	sort.Strings(t.Enrolled)
	for _, s := range samples {
		if _, ok := t.Gallery[s.Person]; !ok {
			t.NonMated = append(t.NonMated, s)
		}
	}
	return t, nil
}

// peopleOf returns the distinct people of samples, sorted.
func peopleOf(samples []Sample) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range samples {
		if !seen[s.Person] {
			seen[s.Person] = true
			out = append(out, s.Person)
		}
	}
	sort.Strings(out)
	return out
}

// faces counts the samples with a descriptor.
func faces(ss []Sample) int {
	n := 0
	for _, s := range ss {
		if s.Desc != nil {
			n++
		}
	}
	return n
}
