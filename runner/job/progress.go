package job

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// reportInterval bounds how often progress is written: at most once a
// second, and only when the whole percent or the message changed, so a
// 3,707-item run costs at most ~100 writes however fast it goes.
const reportInterval = time.Second

// progressReporter decouples the tournament's progress callback, which runs
// on the collector goroutine and must not block on the network, from the
// status writes, which happen on a ticker goroutine of their own.
type progressReporter struct {
	w   statusWriter
	log *slog.Logger

	mu       sync.Mutex
	latest   shardProgress
	sent     shardProgress
	everSent bool
}

// update is the tournament.ProgressFunc: it only records the latest counts.
func (r *progressReporter) update(done, total int, msg string) {
	r.mu.Lock()
	r.latest = shardProgress{done: done, total: total, message: msg}
	r.mu.Unlock()
}

// set records a progress state from the runner itself (loading, writing).
func (r *progressReporter) set(p shardProgress) { r.update(p.done, p.total, p.message) }

// fail keeps the counts and replaces the message with err; the controller
// shows a message starting "failed: " as the reason the run failed.
func (r *progressReporter) fail(err error) {
	r.mu.Lock()
	r.latest.message = "failed: " + err.Error()
	r.mu.Unlock()
}

// loop writes progress until ctx ends.
func (r *progressReporter) loop(ctx context.Context) {
	t := time.NewTicker(reportInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.flush(ctx, false)
		}
	}
}

// flush writes the latest progress when it differs enough from the last
// write, or always when force is set.
func (r *progressReporter) flush(ctx context.Context, force bool) {
	r.mu.Lock()
	p := r.latest
	changed := !r.everSent || percent(p) != percent(r.sent) || p.message != r.sent.message || p.total != r.sent.total
	r.mu.Unlock()
	if !changed && !force {
		return
	}
	if err := r.w.applyShard(ctx, p); err != nil {
		// Progress is advisory: a failed write is retried on the next tick.
		r.log.Warn("writing progress failed", "err", err)
		return
	}
	r.mu.Lock()
	r.sent, r.everSent = p, true
	r.mu.Unlock()
}

func percent(p shardProgress) int {
	if p.total == 0 {
		return 0
	}
	return p.done * 100 / p.total
}
