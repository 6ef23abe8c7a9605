package ssd

import (
	"math"
	"sort"
)

// nonMaxSuppression is face-api.js's SSD variant: candidates scoring above
// scoreThreshold, best first, are kept unless they overlap an already kept
// box by more than iouThreshold; at most maxOutput indices are returned.
// boxes are (ymin, xmin, ymax, xmax), in any corner order.
func nonMaxSuppression(boxes [][4]float64, scores []float64, maxOutput int, iouThreshold, scoreThreshold float64) []int {
	var cand []int
	for i, s := range scores {
		if s > scoreThreshold {
			cand = append(cand, i)
		}
	}
	sort.SliceStable(cand, func(a, b int) bool { return scores[cand[a]] > scores[cand[b]] })
	limit := min(maxOutput, len(boxes))
	var kept []int
	for _, c := range cand {
		if len(kept) >= limit {
			break
		}
		suppressed := false
		for j := len(kept) - 1; j >= 0; j-- {
			if iou(boxes[c], boxes[kept[j]]) > iouThreshold {
				suppressed = true
				break
			}
		}
		if !suppressed {
			kept = append(kept, c)
		}
	}
	return kept
}

// iou is the intersection over union of two (ymin, xmin, ymax, xmax) boxes;
// 0 when either has no area.
func iou(a, b [4]float64) float64 {
	ay0, ax0, ay1, ax1 := math.Min(a[0], a[2]), math.Min(a[1], a[3]), math.Max(a[0], a[2]), math.Max(a[1], a[3])
	by0, bx0, by1, bx1 := math.Min(b[0], b[2]), math.Min(b[1], b[3]), math.Max(b[0], b[2]), math.Max(b[1], b[3])
	areaA := (ay1 - ay0) * (ax1 - ax0)
	areaB := (by1 - by0) * (bx1 - bx0)
	if areaA <= 0 || areaB <= 0 {
		return 0
	}
	inter := math.Max(math.Min(ay1, by1)-math.Max(ay0, by0), 0) * math.Max(math.Min(ax1, bx1)-math.Max(ax0, bx0), 0)
	return inter / (areaA + areaB - inter)
}
