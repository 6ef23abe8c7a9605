package landmarks

import "testing"

// TestMirrorIndex checks the map against the scheme's geometry on dlib's
// mean face (the template core/face aligns to, points 17..67), which is
// left–right symmetric about x = 0.490127: each point's mirror partner lies
// at the reflected x and the same y. The jaw (0..16), not in the template,
// is checked for being an involution.
func TestMirrorIndex(t *testing.T) {
	const axis = 0.490127
	for i, j := range MirrorIndex {
		if MirrorIndex[j] != i {
			t.Errorf("MirrorIndex[MirrorIndex[%d]] = %d, want %d", i, MirrorIndex[j], i)
		}
		if i < 17 {
			continue
		}
		dx := (DlibMeanFace[0][i-17] - axis) + (DlibMeanFace[0][j-17] - axis)
		dy := DlibMeanFace[1][i-17] - DlibMeanFace[1][j-17]
		if dx*dx+dy*dy > 1e-6 {
			t.Errorf("point %d mirrors to %d, but the mean face puts them at (%.4f,%.4f) and (%.4f,%.4f)",
				i, j, DlibMeanFace[0][i-17], DlibMeanFace[1][i-17], DlibMeanFace[0][j-17], DlibMeanFace[1][j-17])
		}
	}
}
