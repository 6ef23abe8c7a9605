package vault

import (
	"strings"
	"testing"

	"visage/core/face"
)

// A page export carries the thumbnails beside FaceMatcher's layout, so that
// importing it into an emptied gallery gives the people their pictures back;
// a malformed thumbnail refuses the whole file.
func TestFaceMatcherThumbnailsRoundTrip(t *testing.T) {
	g := sealedGallery(t, &MemStore{})
	g.Enroll("Amy", "", desc(1), &Thumbnail{2, 1, []byte{1, 2, 3, 255, 4, 5, 6, 255}})
	g.Enroll("Zed", "", desc(2), nil)
	data, err := ToFaceMatcher(g)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"thumbnails":{"Amy":`) {
		t.Fatalf("the export has no thumbnails: %.300s", data)
	}
	people, threshold, err := FromFaceMatcher(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(people) != 2 || threshold != 0.6 || people[0].Thumbnail == nil || people[0].Thumbnail.RGBA[4] != 4 || people[1].Thumbnail != nil {
		t.Errorf("read back %+v at %v, want Amy with her 2×1 thumbnail and Zed without", people, threshold)
	}
	bad := strings.Replace(string(data), `"width":2`, `"width":3`, 1)
	if _, _, err := FromFaceMatcher([]byte(bad), nil); err == nil || !strings.Contains(err.Error(), "Amy") {
		t.Errorf("a thumbnail of the wrong size: %v, want an error naming Amy", err)
	}
	if _, _, err := FromFaceMatcher([]byte(strings.Replace(string(data), `"thumbnails"`, `"thumbnailz"`, 1)), nil); err == nil {
		t.Error("an unknown field was accepted")
	}
}

// A gallery of another encoder than dlib reads back with its people tagged
// with that encoder; face-api.js's files, which name none, are dlib's.
func TestFaceMatcherEncoderTag(t *testing.T) {
	mobile := `{"distanceThreshold":0.02,"encoder":"mobilefacenet","labeledDescriptors":[{"label":"Amy","descriptors":[[` +
		strings.TrimSuffix(strings.Repeat("0.1,", face.MobileFaceNetDim), ",") + `]]}]}`
	dlib := `{"distanceThreshold":0.6,"labeledDescriptors":[{"label":"Amy","descriptors":[[` +
		strings.TrimSuffix(strings.Repeat("0.1,", face.DescriptorLen), ",") + `]]}]}`
	for file, want := range map[string]string{mobile: face.EncoderMobileFaceNet, dlib: DefaultEncoder} {
		people, _, err := FromFaceMatcher([]byte(file), nil)
		if err != nil || len(people) != 1 || people[0].Encoder != want {
			t.Errorf("read %+v (%v) from %.60s…, want Amy tagged %s", people, err, file, want)
		}
	}
}
