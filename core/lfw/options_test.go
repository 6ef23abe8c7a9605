package lfw

import (
	"reflect"
	"strings"
	"testing"

	"visage/core/face"
)

func TestParseFolds(t *testing.T) {
	for spec, want := range map[string][]int{"1-10": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "3,1": {1, 3}, "2-3,3,9": {2, 3, 9}, "11-12": {11, 12}} {
		got, err := ParseFolds(spec)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseFolds(%q) = %v, %v; want %v", spec, got, err, want)
		}
	}
	for _, bad := range []string{"", "1", "0-2", "3-2", "a-b", "1,,2", "2,2"} {
		if _, err := ParseFolds(bad); err == nil {
			t.Errorf("ParseFolds(%q): expected an error", bad)
		}
	}
}

func TestParseShard(t *testing.T) {
	if k, n, err := ParseShard("2/3"); k != 2 || n != 3 || err != nil {
		t.Errorf("ParseShard(2/3) = %d, %d, %v", k, n, err)
	}
	for _, bad := range []string{"", "1", "0/2", "3/2", "a/b", "1/2/3"} {
		if _, _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q): expected an error", bad)
		}
	}
}

func TestParseEncoders(t *testing.T) {
	for spec, want := range map[string][]string{"dlib": {"dlib"}, "dlib+faceres": {"dlib", "faceres"}, "mobilefacenet+dlib": {"mobilefacenet", "dlib"}} {
		if got, err := ParseEncoders(spec); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseEncoders(%q) = %v, %v; want %v", spec, got, err, want)
		}
	}
	for spec, msg := range map[string]string{"": `unknown encoder ""`, "arc": `unknown encoder "arc"`, "dlib+dlib": "two different ones", "dlib+faceres+mobilefacenet": "two different ones"} {
		if _, err := ParseEncoders(spec); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseEncoders(%q): error %v, want one saying %q", spec, err, msg)
		}
	}
}

// Check accepts the defaults (with the lists named) and names the field of
// each bad value with what it must be.
func TestOptionsCheck(t *testing.T) {
	good := DefaultOptions()
	good.Dir, good.PairsFile = "images", "pairs.txt"
	if err := good.Check(); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	head := &Head{Score: face.Distance}
	for want, edit := range map[string]func(o *Options){
		"Dir and PairsFile are required":                 func(o *Options) { o.Dir = "" },
		"Folds: the protocol needs at least 2 folds":     func(o *Options) { o.Folds = []int{3} },
		"Folds: expected increasing fold numbers":        func(o *Options) { o.Folds = []int{2, 1} },
		"Encoders: expected one encoder or two":          func(o *Options) { o.Encoders = nil },
		`MobileFaceNetInput: expected unit or symmetric`: func(o *Options) { o.MobileFaceNetInput = "x" },
		"Align: expected faceapi, similarity or both":    func(o *Options) { o.Align = 7 },
		"MinConfidence: expected in (0,1), found 1":      func(o *Options) { o.MinConfidence = 1 },
		"FallbackConfidence: expected in [0,1)":          func(o *Options) { o.FallbackConfidence = -0.1 },
		"PadRetry: expected ≥ 0":                         func(o *Options) { o.PadRetry = -1 },
		`Pick: expected largest or central, found "big"`: func(o *Options) { o.Pick = "big" },
		"Jobs: expected ≥ 1, found 0":                    func(o *Options) { o.Jobs = 0 },
		"MaxPerPerson: expected ≥ 0":                     func(o *Options) { o.MaxPerPerson = -1 },
		"AlsoMinImages: expected ≥ 1":                    func(o *Options) { o.AlsoMinImages = 0 },
		"Shard: expected in 1..Shards (2), found 3":      func(o *Options) { o.Shard, o.Shards = 3, 2 },
		`Degrade: expected small-grey, found "tiny"`:     func(o *Options) { o.Degrade = "tiny" },
		"Head.Score: expected a function":                func(o *Options) { o.Head = &Head{} },
		"Head: a head scores one encoder's descriptors":  func(o *Options) { o.Head, o.Encoders = head, []string{"dlib", "faceres"} },
	} {
		o := good
		edit(&o)
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want one containing %q", err, want)
		}
	}
}

// The cache file names are those of the caches made before Run moved here
// (and of the committed results' runs): changing a tag orphans every cache.
func TestCacheTags(t *testing.T) {
	o := DefaultOptions()
	detect := o.detectTag()
	if want := "ssd0.1-0.1+pad0.25+tiny+centred+landmarks68+mirrored"; detect != want {
		t.Errorf("default detection tag %q, want %q", detect, want)
	}
	o.Degrade, o.TinyFallback, o.Pick, o.LandmarksMirror = DegradeSmallGrey, false, PickLargest, false
	if got, want := o.detectTag(), "small-grey+ssd0.1-0.1+pad0.25+landmarks68"; got != want {
		t.Errorf("degraded detection tag %q, want %q", got, want)
	}
	for v, want := range map[variant]string{
		{face.EncoderDlib, face.AlignSimilarity, true, false}: "D+similarity+mirror",
		{face.EncoderDlib, face.AlignFaceAPI, false, false}:   "D+faceapi",
		{face.EncoderDlib, face.AlignBoth, true, false}:       "D+both+mirror",
		{face.EncoderMobileFaceNet, 0, true, true}:            "D+arcface+unit+mirror",
		{face.EncoderMobileFaceNet, 0, false, false}:          "D+arcface",
		{face.EncoderFaceRes, 0, true, false}:                 "D+arcface224+mirror",
	} {
		if got := v.tag("D"); got != want {
			t.Errorf("%+v: tag %q, want %q", v, got, want)
		}
	}
}

// The variants encoded: each encoder's scored ones first, dlib's two
// alignments for AlignBoth, and with AllVariants every other mirror and
// alignment once.
func TestVariants(t *testing.T) {
	o := DefaultOptions()
	o.Encoders = []string{face.EncoderDlib, face.EncoderMobileFaceNet}
	vs, first := o.variants()
	want := []variant{{face.EncoderDlib, face.AlignSimilarity, true, false}, {face.EncoderDlib, face.AlignFaceAPI, true, false}, {face.EncoderMobileFaceNet, 0, true, true}}
	if !reflect.DeepEqual(vs, want) || first[face.EncoderDlib] != 0 || first[face.EncoderMobileFaceNet] != 2 {
		t.Errorf("variants %+v, first %v; want %+v, dlib 0 and mobilefacenet 2", vs, first, want)
	}
	o.AllVariants, o.Encoders, o.Align = true, []string{face.EncoderDlib}, face.AlignSimilarity
	vs, _ = o.variants()
	want = []variant{{face.EncoderDlib, face.AlignSimilarity, true, false}, {face.EncoderDlib, face.AlignFaceAPI, false, false},
		{face.EncoderDlib, face.AlignFaceAPI, true, false}, {face.EncoderDlib, face.AlignSimilarity, false, false}}
	if !reflect.DeepEqual(vs, want) {
		t.Errorf("all variants %+v, want %+v", vs, want)
	}
}
