package face

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// axis returns a descriptor that is v along axis i and 0 elsewhere, so the
// distance between axis(i, a) and axis(j, b) is |a-b| when i == j and
// sqrt(a²+b²) otherwise.
func axis(i int, v float32) []float32 {
	d := make([]float32, DescriptorLen)
	d[i] = v
	return d
}

// ramp returns a descriptor whose values climb from start in steps of 1/64.
func ramp(start float32) []float32 {
	enc := make([]float32, DescriptorLen)
	for i := range enc {
		enc[i] = start + float32(i)/64
	}
	return enc
}

// testGallery: alice has descriptors at distance 0.5 and 0.875 from the origin
// (mean 0.6875, above the threshold), bob one at 0.5625. All are exact in float32.
func testGallery(t *testing.T) *Gallery {
	t.Helper()
	g := NewGallery()
	for _, e := range []struct {
		name string
		enc  []float32
	}{
		{"alice", axis(0, 0.5)},
		{"bob", axis(1, 0.5625)},
		{"alice", axis(2, 0.875)},
	} {
		if err := g.Enroll(e.name, e.enc); err != nil {
			t.Fatalf("Enroll(%q): %v", e.name, err)
		}
	}
	return g
}

func TestVerifyUsesClosestDescriptor(t *testing.T) {
	g := testGallery(t)
	origin := axis(0, 0)
	for _, tc := range []struct {
		name      string
		enc       []float32
		wantMatch bool
		wantDist  float64
	}{
		// Closest of 0.5 and 0.875; the mean (0.6875) would not match.
		{"alice", origin, true, 0.5},
		{"bob", origin, true, 0.5625},
		// sqrt(0.5² + 0.5625²) = sqrt(0.56640625) ≈ 0.7526 for bob's axis vs alice's first.
		{"alice", axis(1, 0.5625), false, math.Sqrt(0.25 + 0.31640625)},
		{"alice", axis(2, 0.875), true, 0},
		{"bob", axis(1, 1.25), false, 0.6875},
	} {
		match, dist, err := g.Verify(tc.name, tc.enc)
		if err != nil {
			t.Fatalf("Verify(%q): %v", tc.name, err)
		}
		if match != tc.wantMatch || math.Abs(dist-tc.wantDist) > 1e-6 {
			t.Errorf("Verify(%q) = %v, %v; want %v, %v", tc.name, match, dist, tc.wantMatch, tc.wantDist)
		}
	}
}

func TestVerifyThresholdIsStrict(t *testing.T) {
	g := testGallery(t)
	if err := g.SetThreshold(0.5); err != nil {
		t.Fatal(err)
	}
	match, dist, err := g.Verify("alice", axis(0, 0))
	if err != nil || match || dist != 0.5 {
		t.Errorf("Verify at distance == threshold 0.5 = %v, %v, %v; want false, 0.5, nil", match, dist, err)
	}
}

func TestVerifyErrors(t *testing.T) {
	g := testGallery(t)
	if _, _, err := g.Verify("carol", axis(0, 0)); err == nil || !strings.Contains(err.Error(), `"carol"`) {
		t.Errorf("Verify of an unknown name: err = %v, want one naming carol", err)
	}
	if _, _, err := g.Verify("alice", make([]float32, 127)); err == nil || !strings.Contains(err.Error(), "found 127") {
		t.Errorf("Verify of a 127-long descriptor: err = %v, want one saying found 127", err)
	}
	nan := axis(3, float32(math.NaN()))
	if _, _, err := g.Verify("alice", nan); err == nil {
		t.Errorf("Verify of a descriptor holding NaN: no error")
	}
}

func TestIdentify(t *testing.T) {
	g := testGallery(t)
	for _, tc := range []struct {
		desc     string
		enc      []float32
		wantName string
		wantDist float64
		wantOK   bool
	}{
		{"nearest is alice's first", axis(0, 0.125), "alice", 0.375, true},
		{"nearest is bob", axis(1, 0.5), "bob", 0.0625, true},
		{"nearest is alice's second", axis(2, 1), "alice", 0.125, true},
		// Nearest is alice's first at sqrt(1.5² + 0.5²); too far for anyone.
		{"stranger", axis(5, 1.5), "", math.Sqrt(2.25 + 0.25), false},
	} {
		name, dist, ok := g.Identify(tc.enc)
		if name != tc.wantName || ok != tc.wantOK || math.Abs(dist-tc.wantDist) > 1e-6 {
			t.Errorf("%s: Identify = %q, %v, %v; want %q, %v, %v", tc.desc, name, dist, ok, tc.wantName, tc.wantDist, tc.wantOK)
		}
	}
}

// TestIdentifyBelow: the threshold given decides, not the gallery's: bob's
// probe at 0.0625 is named below 0.07 and not below 0.06, with the
// gallery's threshold 0.6 either way; Len counts people, not descriptors.
func TestIdentifyBelow(t *testing.T) {
	g := testGallery(t)
	if name, dist, ok := g.IdentifyBelow(axis(1, 0.5), 0.07); name != "bob" || !ok || math.Abs(dist-0.0625) > 1e-6 {
		t.Errorf("IdentifyBelow 0.07 = %q, %v, %v; want bob at 0.0625", name, dist, ok)
	}
	if name, _, ok := g.IdentifyBelow(axis(1, 0.5), 0.06); name != "" || ok {
		t.Errorf("IdentifyBelow 0.06 = %q, %v; want not recognised", name, ok)
	}
	if g.Threshold() != DefaultThreshold || g.Len() != 2 {
		t.Errorf("threshold %v, %d people; want %v and alice and bob", g.Threshold(), g.Len(), DefaultThreshold)
	}
}

// TestIdentifyMargin: score = d1 − α·(d2 − d1), by hand. The probe
// (0.25, 0.25) is 0.353553 from alice's first (0.5, 0) and 0.400195 from
// bob (0, 0.5625), so at α = 1 its score is 0.306911: named below 0.31,
// where the plain rule (0.353553) is not, and not below 0.30. Bob's probe
// (0, 0.5) scores 0.0625 − (0.707107 − 0.0625) = −0.582107. With one
// person enrolled d2 is +Inf and the plain rule decides.
func TestIdentifyMargin(t *testing.T) {
	g := testGallery(t)
	mid := axis(0, 0.25)
	mid[1] = 0.25
	for _, c := range []struct {
		desc              string
		enc               []float32
		threshold, margin float64
		want              string
	}{
		{"mid, plain, 0.31", mid, 0.31, 0, ""},
		{"mid, α=1, 0.31", mid, 0.31, 1, "alice"}, // score 0.306911
		{"mid, α=1, 0.30", mid, 0.30, 1, ""},
		{"bob, α=1, −0.58", axis(1, 0.5), -0.58, 1, "bob"},
		{"bob, α=1, −0.59", axis(1, 0.5), -0.59, 1, ""},
	} {
		name, dist, _, ok := g.IdentifyMargin(c.enc, c.threshold, c.margin)
		if name != c.want || ok != (c.want != "") || math.Abs(dist-math.Min(Distance(c.enc, axis(0, 0.5)), Distance(c.enc, axis(1, 0.5625)))) > 1e-6 {
			t.Errorf("%s: %q, %v, %v; want %q", c.desc, name, dist, ok, c.want)
		}
	}
	one := NewGallery()
	if err := one.Enroll("bob", axis(1, 0.5625)); err != nil {
		t.Fatal(err)
	}
	if name, _, score, ok := one.IdentifyMargin(axis(1, 0.5), 0.07, 8); name != "bob" || !ok || score != 0.0625 {
		t.Errorf("one person, α=8, 0.07: %q, %v; want bob (plain rule: 0.0625)", name, ok)
	}
	if _, _, _, ok := one.IdentifyMargin(axis(1, 0.5), 0.06, 8); ok {
		t.Error("one person, α=8, 0.06: named; want the plain rule's answer, not recognised")
	}
}

func TestIdentifyWithoutAnswer(t *testing.T) {
	if name, dist, ok := NewGallery().Identify(axis(0, 0)); name != "" || !math.IsInf(dist, 1) || ok {
		t.Errorf("Identify in an empty gallery = %q, %v, %v; want \"\", +Inf, false", name, dist, ok)
	}
	g := testGallery(t)
	if name, dist, ok := g.Identify(make([]float32, 3)); name != "" || !math.IsNaN(dist) || ok {
		t.Errorf("Identify of a 3-long descriptor = %q, %v, %v; want \"\", NaN, false", name, dist, ok)
	}
	if name, dist, ok := g.Identify(axis(0, float32(math.NaN()))); name != "" || !math.IsNaN(dist) || ok {
		t.Errorf("Identify of a NaN descriptor = %q, %v, %v; want \"\", NaN, false", name, dist, ok)
	}
}

func TestEnrollOneShotAndCopies(t *testing.T) {
	g := NewGallery()
	enc := axis(0, 1)
	if err := g.Enroll("dana", enc); err != nil {
		t.Fatal(err)
	}
	enc[0] = 100 // the gallery must hold its own copy
	match, dist, err := g.Verify("dana", axis(0, 1))
	if err != nil || !match || dist != 0 {
		t.Errorf("Verify after one-shot enrollment = %v, %v, %v; want true, 0, nil", match, dist, err)
	}
	if n := g.DescriptorCount("dana"); n != 1 {
		t.Errorf("DescriptorCount(dana) = %d, want 1", n)
	}
	if err := g.Enroll("dana", axis(1, 1)); err != nil {
		t.Fatal(err)
	}
	if ds := g.Descriptors("dana"); len(ds) != 2 || ds[0][0] != 1 || ds[1][1] != 1 || g.Descriptors("eve") != nil {
		t.Errorf("Descriptors(dana) = %v, Descriptors(eve) = %v; want dana's two samples in order and none", ds, g.Descriptors("eve"))
	}
}

func TestEnrollRejectsBadInputWithoutChange(t *testing.T) {
	for _, tc := range []struct {
		desc, name string
		enc        []float32
		want       string
	}{
		{"empty name", "", axis(0, 1), "empty"},
		{"blank name", " \t", axis(0, 1), "empty"},
		{"short", "erin", make([]float32, 127), "found 127"},
		{"long", "erin", make([]float32, 129), "found 129"},
		{"NaN", "erin", axis(7, float32(math.NaN())), "value 7"},
		{"Inf", "erin", axis(9, float32(math.Inf(-1))), "value 9"},
	} {
		g := testGallery(t)
		err := g.Enroll(tc.name, tc.enc)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Enroll err = %v, want one containing %q", tc.desc, err, tc.want)
		}
		if !g.Equal(testGallery(t)) {
			t.Errorf("%s: a failed Enroll changed the gallery", tc.desc)
		}
	}
}

func TestRemoveRenameNames(t *testing.T) {
	g := testGallery(t)
	if got := g.Names(); !reflect.DeepEqual(got, []string{"alice", "bob"}) {
		t.Fatalf("Names = %q, want [alice bob]", got)
	}
	g.Names()[0] = "mallory" // the result is the caller's
	if err := g.Rename("alice", "alicia"); err != nil {
		t.Fatal(err)
	}
	if match, dist, err := g.Verify("alicia", axis(2, 0.875)); err != nil || !match || dist != 0 {
		t.Errorf("Verify after Rename = %v, %v, %v; want the second descriptor to be kept", match, dist, err)
	}
	if _, _, err := g.Verify("alice", axis(0, 0)); err == nil {
		t.Errorf("the old name still verifies after Rename")
	}
	if err := g.Rename("alicia", "alicia"); err != nil {
		t.Errorf("Rename to the same name: %v", err)
	}
	for _, bad := range [][2]string{{"carol", "dave"}, {"alicia", "bob"}, {"alicia", ""}} {
		before := g.Names()
		if err := g.Rename(bad[0], bad[1]); err == nil {
			t.Errorf("Rename(%q, %q) succeeded, want an error", bad[0], bad[1])
		}
		if !reflect.DeepEqual(g.Names(), before) {
			t.Errorf("a failed Rename(%q, %q) changed the names", bad[0], bad[1])
		}
	}
	if err := g.Remove("alicia"); err != nil {
		t.Fatal(err)
	}
	if got := g.Names(); !reflect.DeepEqual(got, []string{"bob"}) {
		t.Errorf("Names after Remove = %q, want [bob]", got)
	}
	if name, _, _ := g.Identify(axis(0, 0.5)); name == "alicia" {
		t.Errorf("a removed person is still identified")
	}
	if err := g.Remove("alicia"); err == nil {
		t.Errorf("removing someone twice succeeded")
	}
}

func TestSetThreshold(t *testing.T) {
	g := NewGallery()
	if g.Threshold() != DefaultThreshold {
		t.Errorf("new gallery threshold = %v, want %v", g.Threshold(), DefaultThreshold)
	}
	for _, bad := range []float64{0, -0.1, math.Nextafter(MaxThreshold, 2), 1.2, 2, math.NaN(), math.Inf(1)} {
		if err := g.SetThreshold(bad); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("must be in (0, 1], found %v", bad)) {
			t.Errorf("SetThreshold(%v): %v, want an error naming the range (0, 1] and the value", bad, err)
		}
	}
	if g.Threshold() != DefaultThreshold {
		t.Errorf("refused thresholds changed the threshold to %v", g.Threshold())
	}
	if err := g.SetThreshold(MaxThreshold); err != nil || g.Threshold() != MaxThreshold {
		t.Errorf("SetThreshold(%v): %v, threshold %v", MaxThreshold, err, g.Threshold())
	}
}

func BenchmarkIdentify1000(b *testing.B) {
	g := NewGallery()
	for i := range 1000 {
		if err := g.Enroll(fmt.Sprintf("person %d", i), axis(i%DescriptorLen, float32(i)/1000)); err != nil {
			b.Fatal(err)
		}
	}
	q := axis(3, 0.25)
	for b.Loop() {
		g.Identify(q)
	}
}
