package landmarks

// MirrorIndex maps each of the 68 points (the iBUG 300-W scheme) to the
// point it becomes in the mirror image of the face: the jaw, brows, eyes,
// nostrils and lips swap left for right; the points on the middle line of
// the nose and the lips map to themselves.
var MirrorIndex = func() [NumPoints]int {
	var m [NumPoints]int
	// Runs of points numbered left to right across the face: point first+i
	// mirrors to point last-i.
	for _, run := range [][2]int{
		{0, 16},                                // jaw
		{17, 26},                               // brows
		{27, 27}, {28, 28}, {29, 29}, {30, 30}, // nose bridge
		{31, 35}, // nostrils
		{48, 54}, // upper outer lip
		{55, 59}, // lower outer lip, right to left
		{60, 64}, // upper inner lip
		{65, 67}, // lower inner lip, right to left
	} {
		for i := 0; run[0]+i <= run[1]; i++ {
			m[run[0]+i] = run[1] - i
		}
	}
	// The eyes: each is traced clockwise from its outer or inner corner, so
	// the pairs do not follow one run.
	for a, b := range map[int]int{36: 45, 37: 44, 38: 43, 39: 42, 40: 47, 41: 46} {
		m[a], m[b] = b, a
	}
	return m
}()
