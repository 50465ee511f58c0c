package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressBar renders tournament progress on stderr: a live one-line bar
// redrawn in place when stderr is a terminal, and plain lines every
// plainInterval otherwise (logs and CI keep every line, so redrawing
// would only spam them).
type progressBar struct {
	w        io.Writer
	live     bool
	now      func() time.Time
	start    time.Time
	last     time.Time
	interval time.Duration
	// base is the done count of the first report (items finished before
	// this run), so the rate counts only this run's work.
	base, done, total int
	started           bool
}

const (
	liveInterval  = 100 * time.Millisecond
	plainInterval = 2 * time.Second
	barWidth      = 30
)

func newProgressBar(e env) *progressBar {
	live := isTerminal(e.stderrFile)
	p := &progressBar{w: e.stderr, live: live, now: time.Now, interval: plainInterval}
	if live {
		p.interval = liveInterval
	}
	return p
}

// isTerminal reports whether f is a character device, the portable test
// for an interactive terminal without extra dependencies.
func isTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update is the tournament's progress callback.
func (p *progressBar) update(done, total int, msg string) {
	now := p.now()
	if !p.started {
		p.started, p.start, p.last, p.base = true, now, now, done
	}
	p.done, p.total = done, total
	if now.Sub(p.last) < p.interval && done < total {
		return
	}
	p.last = now
	p.render(now)
}

// finish ends the live line so later output starts on a fresh line.
func (p *progressBar) finish() {
	if p.started && p.live {
		fmt.Fprintln(p.w)
	}
}

func (p *progressBar) render(now time.Time) {
	pct := 100 * float64(p.done) / float64(max(p.total, 1))
	elapsed := now.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.done-p.base) / elapsed
	}
	stats := fmt.Sprintf("%5.1f%%  %d/%d items  %.1f items/s  ETA %s", pct, p.done, p.total, rate, eta(p.total-p.done, rate))
	if !p.live {
		fmt.Fprintf(p.w, "progress: %s\n", stats)
		return
	}
	filled := barWidth * p.done / max(p.total, 1)
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled)
	fmt.Fprintf(p.w, "\r[%s] %s\x1b[K", bar, stats)
}

func eta(remaining int, rate float64) string {
	if remaining <= 0 {
		return "0s"
	}
	if rate <= 0 {
		return "?"
	}
	return time.Duration(float64(remaining) / rate * float64(time.Second)).Round(time.Second).String()
}
