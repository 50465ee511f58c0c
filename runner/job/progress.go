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
	// floor is what an earlier attempt of this shard reported under the
	// same hold of the lock (a Pod the Job controller replaced). Until this
	// attempt has caught up, it reports the floor's counts, so that the
	// run's progress never drops back while the dataset loads again.
	floor shardProgress
}

// resumeFrom sets the floor from the earlier attempt's report.
func (r *progressReporter) resumeFrom(done, total int) {
	r.mu.Lock()
	r.floor = shardProgress{done: done, total: total}
	r.mu.Unlock()
}

// update is the tournament.ProgressFunc: it only records the latest counts.
func (r *progressReporter) update(done, total int, msg string) {
	r.mu.Lock()
	r.latest = r.atLeastFloor(shardProgress{done: done, total: total, message: msg})
	r.mu.Unlock()
}

// atLeastFloor raises p's counts to the floor's while p knows no total yet
// or counts the same items.
func (r *progressReporter) atLeastFloor(p shardProgress) shardProgress {
	if r.floor.total > 0 && (p.total == 0 || p.total == r.floor.total) {
		p.done, p.total = max(p.done, r.floor.done), r.floor.total
	}
	return p
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
