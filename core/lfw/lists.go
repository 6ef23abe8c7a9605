// Package lfw reads the Labeled Faces in the Wild list files (pairs*.txt,
// people*.txt), names the images they refer to, and scores a verifier with the
// LFW protocol: thresholds chosen by 10-fold cross-validation, accuracy mean ±
// standard deviation, TAR at a fixed FAR, and the ROC curve.
//
// Run is the whole protocol of `visage lfw` on the face pipeline: it encodes
// the images of the pairs (and of extra lists) once into EncodingCache files,
// which later runs and the training commands reuse, and scores the folds
// from them (options.go, encode.go, run.go, result.go).
//
// The formats are those of the official README (View 1 and View 2):
//
//	pairs.txt         "folds n", then per fold n same lines "name i j" and n
//	                  different lines "name1 i name2 j"
//	pairsDev*.txt     "n", then n same lines and n different lines (one fold)
//	people.txt        "folds", then per fold a count m and m lines "name images"
//	peopleDev*.txt    "m", then m lines "name images" (one fold)
//
// Fields may be separated by tabs or spaces. Image numbers are 1-based, as in
// the file names (Aaron_Peirsol_0001.jpg).
package lfw

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// Pair is one line of a pairs file: two images, and whether they show the
// same person. For a same pair Name1 == Name2.
type Pair struct {
	Name1  string
	Index1 int // 1-based image number of Name1
	Name2  string
	Index2 int // 1-based image number of Name2
	Same   bool
}

// Image1 returns the first image of the pair relative to the image root
// (see ImageRel).
func (p Pair) Image1() string { return ImageRel(p.Name1, p.Index1) }

// Image2 returns the second image of the pair relative to the image root.
func (p Pair) Image2() string { return ImageRel(p.Name2, p.Index2) }

// Person is one line of a people file: a name and how many images it has
// (numbered 1..Images).
type Person struct {
	Name   string
	Images int
}

// ImageRel returns the slash-separated path of image n (1-based) of name,
// relative to the image root: "Name/Name_%04d.jpg". It is the key of an
// encodings cache.
func ImageRel(name string, n int) string {
	return path.Join(name, fmt.Sprintf("%s_%04d.jpg", name, n))
}

// ImagePath returns the file path of image n (1-based) of name under the image
// root dir (e.g. .../lfw/images_deepfunneled).
func ImagePath(dir, name string, n int) string {
	return filepath.Join(dir, filepath.FromSlash(ImageRel(name, n)))
}

// ReadPairsFile reads a pairs file; see ParsePairs.
func ReadPairsFile(file string) ([][]Pair, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	folds, err := ParsePairs(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return folds, nil
}

// ParsePairs reads a pairs file and returns its folds in order: ten for
// pairs.txt ("10 300" header), one for pairsDevTrain/pairsDevTest ("n"
// header). Each fold holds its n same pairs followed by its n different
// pairs. Errors name the line and what was expected there.
func ParsePairs(r io.Reader) ([][]Pair, error) {
	lr := newLineReader(r)
	head, err := lr.ints(1, 2)
	if err != nil {
		return nil, err
	}
	nFolds, n := 1, head[0]
	if len(head) == 2 {
		nFolds, n = head[0], head[1]
	}
	folds := make([][]Pair, nFolds)
	for f := range folds {
		fold := make([]Pair, 0, 2*n)
		for i := 0; i < 2*n; i++ {
			same := i < n
			fields, err := lr.fields()
			if err != nil {
				return nil, err
			}
			p, err := parsePair(fields, same)
			if err != nil {
				return nil, lr.errorf("%v", err)
			}
			fold = append(fold, p)
		}
		folds[f] = fold
	}
	if err := lr.end(); err != nil {
		return nil, err
	}
	return folds, nil
}

// parsePair reads "name i j" (same) or "name1 i name2 j" (different).
func parsePair(f []string, same bool) (Pair, error) {
	var (
		p    = Pair{Same: same}
		err1 error
		err2 error
	)
	switch {
	case same && len(f) == 3:
		p.Name1, p.Name2 = f[0], f[0]
		p.Index1, err1 = positive(f[1])
		p.Index2, err2 = positive(f[2])
	case !same && len(f) == 4:
		p.Name1, p.Name2 = f[0], f[2]
		p.Index1, err1 = positive(f[1])
		p.Index2, err2 = positive(f[3])
	case same:
		return p, fmt.Errorf("expected a same pair \"name i j\", found %d fields", len(f))
	default:
		return p, fmt.Errorf("expected a different pair \"name1 i name2 j\", found %d fields", len(f))
	}
	if err1 != nil {
		return p, err1
	}
	return p, err2
}

// ReadPeopleFile reads a people file; see ParsePeople.
func ReadPeopleFile(file string) ([][]Person, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	folds, err := ParsePeople(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return folds, nil
}

// ParsePeople reads a people file and returns its folds: ten for people.txt
// (a fold count, then per fold a count and its lines), one for
// peopleDevTrain/peopleDevTest (a count, then its lines). The two layouts are
// told apart by the second line: a lone number starts a fold.
func ParsePeople(r io.Reader) ([][]Person, error) {
	lr := newLineReader(r)
	head, err := lr.ints(1, 1)
	if err != nil {
		return nil, err
	}
	next, err := lr.fields()
	if errors.Is(err, io.ErrUnexpectedEOF) && head[0] == 0 {
		return [][]Person{{}}, nil
	}
	if err != nil {
		return nil, err
	}
	// counts[f] is the size of fold f; the fold's first line is already in next
	// when the file has one fold.
	var counts []int
	if len(next) == 1 {
		counts = make([]int, head[0])
		if counts[0], err = count(next[0]); err != nil {
			return nil, lr.errorf("fold size: %v", err)
		}
		next = nil
	} else {
		counts = []int{head[0]}
	}
	folds := make([][]Person, len(counts))
	for f := range folds {
		if f > 0 {
			c, err := lr.ints(1, 1)
			if err != nil {
				return nil, err
			}
			counts[f] = c[0]
		}
		fold := make([]Person, 0, counts[f])
		for range counts[f] {
			fields := next
			if fields == nil {
				if fields, err = lr.fields(); err != nil {
					return nil, err
				}
			}
			next = nil
			if len(fields) != 2 {
				return nil, lr.errorf("expected \"name images\", found %d fields", len(fields))
			}
			n, err := positive(fields[1])
			if err != nil {
				return nil, lr.errorf("%v", err)
			}
			fold = append(fold, Person{Name: fields[0], Images: n})
		}
		folds[f] = fold
	}
	if err := lr.end(); err != nil {
		return nil, err
	}
	return folds, nil
}

// lineReader hands out the non-empty lines of a list file, split into fields,
// and remembers the line number for errors.
type lineReader struct {
	sc   *bufio.Scanner
	line int
}

func newLineReader(r io.Reader) *lineReader { return &lineReader{sc: bufio.NewScanner(r)} }

func (lr *lineReader) errorf(format string, a ...any) error {
	return fmt.Errorf("line %d: %s", lr.line, fmt.Sprintf(format, a...))
}

// fields returns the next non-empty line's fields; io.ErrUnexpectedEOF at the end.
func (lr *lineReader) fields() ([]string, error) {
	for lr.sc.Scan() {
		lr.line++
		if f := strings.Fields(lr.sc.Text()); len(f) > 0 {
			return f, nil
		}
	}
	if err := lr.sc.Err(); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("after line %d: %w (the header promised more lines)", lr.line, io.ErrUnexpectedEOF)
}

// ints reads a line of min..max non-negative integers.
func (lr *lineReader) ints(min, max int) ([]int, error) {
	f, err := lr.fields()
	if err != nil {
		return nil, err
	}
	if len(f) < min || len(f) > max {
		return nil, lr.errorf("expected %d to %d counts, found %q", min, max, strings.Join(f, " "))
	}
	out := make([]int, len(f))
	for i, s := range f {
		if out[i], err = count(s); err != nil {
			return nil, lr.errorf("%v", err)
		}
	}
	return out, nil
}

// end checks that nothing but blank lines follows.
func (lr *lineReader) end() error {
	if f, err := lr.fields(); err == nil {
		return lr.errorf("expected the end of the file, found %q", strings.Join(f, " "))
	}
	return lr.sc.Err()
}

func count(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("expected a count, found %q", s)
	}
	return n, nil
}

func positive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("expected an image number ≥ 1, found %q", s)
	}
	return n, nil
}

// ScorePairs scores each pair with score(descriptor1, descriptor2), looking
// the descriptors up by image (ImageRel path). A pair with an image that
// lookup answers with nil or an empty slice (no face found, or not computed)
// gets a NaN score, which Evaluate counts as an error.
func ScorePairs(pairs []Pair, lookup func(rel string) []float32, score func(a, b []float32) float64) []Outcome {
	outs := make([]Outcome, len(pairs))
	for i, p := range pairs {
		outs[i] = Outcome{Score: math.NaN(), Same: p.Same}
		a, b := lookup(p.Image1()), lookup(p.Image2())
		if len(a) > 0 && len(b) > 0 {
			outs[i].Score = score(a, b)
		}
	}
	return outs
}
