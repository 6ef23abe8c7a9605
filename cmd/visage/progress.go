package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// progressBar draws a one-line bar on stderr, "[####......] done/total  STATUS",
// redrawn at most every 200 ms and always when done reaches total.
type progressBar struct {
	total int
	start time.Time
	last  time.Time
}

// newProgressBar starts the clock of a bar for total units of work.
func newProgressBar(total int) *progressBar {
	return &progressBar{total: total, start: time.Now()}
}

// update redraws the bar for done units (1..total); status, called only when
// the bar is drawn, gives the rest of the line from the time since
// newProgressBar.
func (p *progressBar) update(done int, status func(elapsed time.Duration) string) {
	now := time.Now()
	if done < p.total && now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	filled := width * done / max(p.total, 1)
	fmt.Fprintf(os.Stderr, "\r[%s%s] %d/%d  %s ",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, p.total, status(now.Sub(p.start)))
}

// finish ends the bar's line.
func (p *progressBar) finish() { fmt.Fprintln(os.Stderr) }
