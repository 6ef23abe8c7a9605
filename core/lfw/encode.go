package lfw

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"visage/core/face"
	"visage/core/imageio"
	"visage/models/facerec"
	"visage/models/landmarks"
	"visage/models/tinyface"
)

// variant is one way of turning landmarks into a descriptor: an encoder,
// dlib's alignment (MobileFaceNet and FaceRes have their own, ArcFace's),
// whether the mirror chip's descriptor is averaged in, and MobileFaceNet's
// input scaling (unitInput: x/255).
type variant struct {
	enc       string
	align     face.Align
	mirror    bool
	unitInput bool
}

// tag names the variant's cache settings after the detection settings
// (dlib's tags are those of the caches made before MobileFaceNet came).
func (v variant) tag(detect string) string {
	t := detect + "+" + v.align.String()
	switch v.enc {
	case face.EncoderMobileFaceNet:
		t = detect + "+arcface"
		if v.unitInput {
			t += "+unit"
		}
	case face.EncoderFaceRes:
		t = detect + "+arcface224"
	}
	if v.mirror {
		t += "+mirror"
	}
	return t
}

// cacheEncoder is the Encoder field of the variant's caches.
func (v variant) cacheEncoder() string {
	if v.enc != face.EncoderDlib {
		return v.enc
	}
	return dlibCacheTag
}

// dim is the Dim field of the variant's caches (0: 128).
func (v variant) dim() int {
	if v.enc != face.EncoderDlib {
		return face.EncoderDim(v.enc)
	}
	return 0
}

// The encoder tags of the caches: dlib's ResNet (face-api.js's port), and
// the 68 landmarks (x0, y0, x1, y1, …) of the face scored.
const (
	dlibCacheTag      = "faceapi-resnet34"
	landmarksCacheTag = "landmarks68"
)

// detectTag names the detection settings of o, the start of every cache's tag.
func (o *Options) detectTag() string {
	t := fmt.Sprintf("ssd%g-%g+pad%g", o.MinConfidence, o.FallbackConfidence, o.PadRetry)
	if o.TinyFallback {
		t += "+tiny"
	}
	if o.Pick == PickCentral {
		t += "+centred"
	}
	t += "+landmarks68"
	if o.Degrade != "" {
		t = o.Degrade + "+" + t // other images: other detections
	}
	if o.LandmarksMirror {
		t += "+mirrored"
	}
	return t
}

// variants are the descriptors o encodes, each encoder's scored ones first
// (first[e] is the index of encoder e's; with face.AlignBoth dlib's two
// alignments follow each other), then with AllVariants the other alignment
// and mirror settings.
func (o *Options) variants() (vs []variant, first map[string]int) {
	unit := o.MobileFaceNetInput == "unit"
	first = map[string]int{}
	for _, e := range o.Encoders {
		first[e] = len(vs)
		switch {
		case e == face.EncoderDlib && o.Align == face.AlignBoth:
			vs = append(vs, variant{e, face.AlignSimilarity, o.Mirror, false}, variant{e, face.AlignFaceAPI, o.Mirror, false})
		case e == face.EncoderDlib:
			vs = append(vs, variant{e, o.Align, o.Mirror, false})
		default:
			vs = append(vs, variant{e, 0, o.Mirror, unit && e == face.EncoderMobileFaceNet})
		}
	}
	if !o.AllVariants {
		return vs, first
	}
	for _, e := range o.Encoders {
		others := []variant{{e, 0, false, unit && e == face.EncoderMobileFaceNet}, {e, 0, true, unit && e == face.EncoderMobileFaceNet}}
		if e == face.EncoderDlib {
			others = []variant{{e, face.AlignFaceAPI, false, false}, {e, face.AlignFaceAPI, true, false}, {e, face.AlignSimilarity, false, false}, {e, face.AlignSimilarity, true, false}}
		}
		for _, v := range others {
			if !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
	}
	return vs, first
}

// cacheSet is what one run reads and fills: a cache per variant and,
// last, the landmarks cache, each with the path it is saved to (a shard
// file in a shard run), and the shard files merged into them.
type cacheSet struct {
	caches     []*EncodingCache
	paths      []string
	shardFiles []string
}

// openCaches opens the caches of variants and the landmarks cache under
// o.Out (see openCache).
func (o *Options) openCaches(vs []variant, detect string) (*cacheSet, error) {
	s := &cacheSet{}
	add := func(path, encoderTag, alignTag string, dim int) error {
		c, merged, err := openCache(path, encoderTag, alignTag, dim)
		if err != nil {
			return err
		}
		if o.Shards > 1 {
			path = shardPath(path, o.Shard, o.Shards)
		}
		s.caches, s.paths, s.shardFiles = append(s.caches, c), append(s.paths, path), append(s.shardFiles, merged...)
		return nil
	}
	for i, v := range vs {
		path := filepath.Join(o.Out, "encodings-"+v.tag(detect)+".bin")
		if i == 0 && o.CachePath != "" {
			path = o.CachePath
		}
		if err := add(path, v.cacheEncoder(), v.tag(detect), v.dim()); err != nil {
			return nil, err
		}
	}
	// The landmarks of the face scored in each image, kept beside the
	// descriptors so that another encoder or alignment needs no second
	// detection pass (detection is most of an image's time).
	lmPath := filepath.Join(o.Out, "landmarks-"+detect+".bin")
	return s, add(lmPath, landmarksCacheTag, detect, 2*landmarks.NumPoints)
}

// todo returns the images of list that are shard k of n's (every n-th from
// the k-th) and that some descriptor cache lacks (the landmarks cache only
// saves detections: an image every descriptor cache holds needs nothing).
func (s *cacheSet) todo(list []string, k, n int) []string {
	var out []string
	for i, rel := range list {
		if i%n != k-1 {
			continue // another shard's image
		}
		for _, c := range s.caches[:len(s.caches)-1] {
			if _, ok := c.Images[rel]; !ok {
				out = append(out, rel)
				break
			}
		}
	}
	return out
}

// save writes every cache to its path.
func (s *cacheSet) save() error {
	for i, c := range s.caches {
		if err := c.Save(s.paths[i]); err != nil {
			return err
		}
	}
	return nil
}

// shardPath is where shard k of n keeps the cache whose merged file is path.
func shardPath(path string, k, n int) string {
	return fmt.Sprintf("%s.shard-%d-of-%d.bin", strings.TrimSuffix(path, ".bin"), k, n)
}

// openCache loads the cache at path when it was made with the same
// settings, or starts an empty one, and adds what the shard files beside it
// (see shardPath) hold; it returns those files' names.
func openCache(path, encoderTag, alignTag string, dim int) (*EncodingCache, []string, error) {
	load := func(path string) (*EncodingCache, error) {
		c, err := LoadEncodingCache(path)
		if err == nil && (c.Encoder != encoderTag || c.Alignment != alignTag || c.Dim != dim) {
			return nil, fmt.Errorf("%s was made with %s/%s (dim %d), not %s/%s (dim %d): pass another cache path or delete it", path, c.Encoder, c.Alignment, c.Dim, encoderTag, alignTag, dim)
		}
		return c, err
	}
	c, err := load(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		c = &EncodingCache{Encoder: encoderTag, Alignment: alignTag, Dim: dim, Images: map[string][]float32{}}
	case err != nil:
		return nil, nil, err
	}
	shards, err := filepath.Glob(strings.TrimSuffix(path, ".bin") + ".shard-*-of-*.bin")
	if err != nil {
		return nil, nil, err
	}
	for _, f := range shards {
		s, err := load(f)
		if err != nil {
			return nil, nil, err
		}
		for rel, d := range s.Images {
			if _, ok := c.Images[rel]; !ok {
				c.Images[rel] = d
			}
		}
	}
	return c, shards, nil
}

// loadPipeline loads the networks o encodes with: face-api.js's pipeline
// set up as o says, and the other encoders by name.
func (o *Options) loadPipeline() (*face.Pipeline, map[string]face.FaceEncoder, error) {
	if o.FaceModels == nil || (o.LoadEncoder == nil && slices.ContainsFunc(o.Encoders, func(e string) bool { return e != face.EncoderDlib })) {
		return nil, nil, errors.New("lfw: images to encode, but Options.FaceModels or LoadEncoder is nil")
	}
	fsys, err := o.FaceModels()
	if err != nil {
		return nil, nil, err
	}
	enc, err := facerec.Load(fsys)
	if err != nil {
		return nil, nil, err
	}
	pipe, err := face.LoadPipeline(fsys, enc, o.Align)
	if err != nil {
		return nil, nil, err
	}
	nets := map[string]face.FaceEncoder{}
	for _, e := range o.Encoders {
		if e != face.EncoderDlib {
			if nets[e], err = o.LoadEncoder(e, o.MobileFaceNetInput == "unit"); err != nil {
				return nil, nil, err
			}
		}
	}
	pipe.Options.MinConfidence = o.MinConfidence
	pipe.FallbackConfidence = o.FallbackConfidence
	pipe.PadRetry = o.PadRetry
	pipe.MirrorLandmarks = o.LandmarksMirror
	pipe.RequireCentre = o.Pick == PickCentral
	if o.TinyFallback {
		if pipe.Tiny, err = tinyface.Load(fsys); err != nil {
			return nil, nil, err
		}
		pipe.TinyOptions = face.DefaultTinyOptions()
	}
	return pipe, nets, nil
}

// encoded is one image's outcome: a descriptor per variant and, last, its
// landmarks (nil: no face), and the detection stage that found the face
// (face.StageNone when the landmarks came from the cache).
type encoded struct {
	rel   string
	encs  [][]float32
	stage face.Stage
	err   error
}

// encodeImages runs the pipeline over todo with o.Jobs workers: one
// detection and landmark pass per image, then each variant's descriptor of
// the face o.Pick chooses (an empty descriptor for no face) into its cache
// of s. The landmarks cache, s's last, stands in for detection where it
// already holds the image (an empty entry: no face) and gets the landmarks
// of the images detected here. The caches are saved every minute, so an
// interrupted run resumes; when ctx is done no more images are started,
// those in flight finish, everything is saved and the error says so. It
// returns the images by the detection stage that found them.
func (o *Options) encodeImages(ctx context.Context, pipe *face.Pipeline, nets map[string]face.FaceEncoder, todo []string, vs []variant, s *cacheSet) (map[face.Stage][]string, error) {
	work := make(chan string)
	results := make(chan encoded)
	var wg sync.WaitGroup
	for range o.Jobs {
		wg.Go(func() {
			for rel := range work {
				results <- o.encodeImage(pipe, nets, rel, vs, s.caches[len(vs)])
			}
		})
	}
	go func() {
		for _, rel := range todo {
			select {
			case work <- rel:
				continue
			case <-ctx.Done():
			}
			break
		}
		close(work)
		wg.Wait()
		close(results)
	}()
	progress := o.Progress
	if progress == nil {
		progress = noProgress{}
	}
	progress.Step(0, len(todo))
	stages := map[face.Stage][]string{}
	var firstErr error
	done := 0
	lastSave := time.Now()
	for r := range results {
		done++
		progress.Step(done, len(todo))
		if r.err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", r.rel, r.err)
			}
			continue
		}
		if r.stage != face.StageNone {
			stages[r.stage] = append(stages[r.stage], r.rel)
		}
		for i, c := range s.caches {
			c.Images[r.rel] = r.encs[i]
			if c.Images[r.rel] == nil {
				c.Images[r.rel] = []float32{}
			}
		}
		if time.Since(lastSave) > time.Minute {
			if err := s.save(); err != nil && firstErr == nil {
				firstErr = err
			}
			lastSave = time.Now()
		}
	}
	progress.End()
	if err := s.save(); err != nil && firstErr == nil {
		firstErr = err
	}
	if ctx.Err() != nil && firstErr == nil {
		firstErr = fmt.Errorf("interrupted after %d of %d images; the caches keep them, run again to resume", done, len(todo))
	}
	for _, list := range stages {
		sort.Strings(list)
	}
	return stages, firstErr
}

// noProgress follows nothing.
type noProgress struct{}

func (noProgress) Step(int, int) {}
func (noProgress) End()          {}

// encodeImage reads image rel under o.Dir (degraded as o says), finds its
// face's landmarks (from lms when it holds the image) and describes the
// face with each variant, sharing one encoder run among the variants that
// differ only in the mirror.
func (o *Options) encodeImage(pipe *face.Pipeline, nets map[string]face.FaceEncoder, rel string, vs []variant, lms *EncodingCache) encoded {
	r := encoded{rel: rel, encs: make([][]float32, len(vs)+1)}
	img, err := imageio.DecodeFile(filepath.Join(o.Dir, filepath.FromSlash(rel)))
	if err != nil {
		r.err = err
		return r
	}
	if o.Degrade == DegradeSmallGrey {
		img = SmallGrey(img)
	}
	entry, ok := lms.Images[rel]
	pts, known := landmarksOf(entry, ok)
	if !known {
		dets, stage, err := pipe.Detect(img)
		if err != nil || len(dets) == 0 {
			r.err = err
			return r
		}
		best := face.LargestDetection(dets)
		if o.Pick == PickCentral {
			best = face.CentralDetection(dets, img)
		}
		if pts, err = pipe.Landmarks68(img, dets[best].Box); err != nil {
			return r // the box lies outside the image: no face
		}
		r.stage = stage
	}
	if pts == nil {
		return r // no face, as an earlier run found
	}
	r.encs[len(vs)] = flattenLandmarks(pts)
	for _, group := range []variant{{enc: face.EncoderDlib, align: face.AlignFaceAPI}, {enc: face.EncoderDlib, align: face.AlignSimilarity}, {enc: face.EncoderMobileFaceNet}, {enc: face.EncoderFaceRes}} {
		var plain, averaged []float32
		for i, v := range vs {
			if v.enc != group.enc || (v.enc == face.EncoderDlib && v.align != group.align) {
				continue
			}
			if plain == nil {
				p := *pipe
				p.Align = group.align
				if v.enc != face.EncoderDlib {
					p.Encoder = nets[v.enc]
				}
				if plain, averaged, err = p.EncodeBoth(img, pts); err != nil {
					r.err = err
					return r
				}
			}
			r.encs[i] = plain
			if v.mirror {
				r.encs[i] = averaged
			}
		}
	}
	return r
}

// flattenLandmarks is pts as x0, y0, x1, y1, … (a landmarks cache entry).
func flattenLandmarks(pts []landmarks.Point) []float32 {
	out := make([]float32, 0, 2*len(pts))
	for _, p := range pts {
		out = append(out, float32(p.X), float32(p.Y))
	}
	return out
}

// landmarksOf reads a landmarks cache entry: known says whether the image
// was looked at, pts is nil where it held no face.
func landmarksOf(entry []float32, ok bool) (pts []landmarks.Point, known bool) {
	if !ok {
		return nil, false
	}
	for i := 0; i+1 < len(entry); i += 2 {
		pts = append(pts, landmarks.Point{X: float64(entry[i]), Y: float64(entry[i+1])})
	}
	return pts, true
}
