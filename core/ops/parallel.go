package ops

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// minWorkPerGoroutine is the fewest multiply-adds worth a goroutine of their own
// (about 0.1 ms); below it, starting one costs more than it saves.
const minWorkPerGoroutine = 1 << 18

// workerCount returns how many goroutines should share a job of cost
// multiply-adds split into parts independent pieces: at most GOMAXPROCS (so 1
// in the browser), at most parts, and none idle for want of work.
func workerCount(cost, parts int) int {
	return max(1, min(runtime.GOMAXPROCS(0), parts, cost/minWorkPerGoroutine))
}

// forEachPart calls do(i) for every i in [0, parts), on up to workers
// goroutines that take parts in order. Calls for different i must touch
// disjoint output.
func forEachPart(parts, workers int, do func(i int)) {
	if workers <= 1 {
		for i := range parts {
			do(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < parts; i = int(next.Add(1) - 1) {
				do(i)
			}
		})
	}
	wg.Wait()
}
