package job

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// reportInterval is how often the reporter looks at the latest progress.
// A shard writes it when its whole percent or total changed, or the runner
// moved to another stage (loading, forecasting, writing), and its counts
// at most once per minInterval: a one-shard run of 3,707 items costs about
// 100 writes however fast it goes, and the shards of a sharded run
// together write about once a second however many they are. The message of
// each item forecast rides along with those writes and causes none: it
// changes with every item. Each write is one update of the run: it carries
// the run's summary too (statusWriter.applyShard).
const reportInterval = time.Second

// minInterval is the least time between two writes of a shard's counts: a
// second per shard of the run.
func minInterval(shards int) time.Duration { return reportInterval * time.Duration(max(shards, 1)) }

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
	sentAt   time.Time
	// stages counts the runner's own reports (set, fail), sentStages those
	// written: a new stage is written on the next tick, however recent the
	// last write.
	stages, sentStages int
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
func (r *progressReporter) set(p shardProgress) {
	r.update(p.done, p.total, p.message)
	r.mu.Lock()
	r.stages++
	r.mu.Unlock()
}

// fail keeps the counts and replaces the message with err; the controller
// shows a message starting "failed: " as the reason the run failed.
func (r *progressReporter) fail(err error) {
	r.mu.Lock()
	r.latest.message = "failed: " + err.Error()
	r.stages++
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

// flush writes the latest progress when it is due, or always when force
// is set, and reports whether nothing is left to write.
func (r *progressReporter) flush(ctx context.Context, force bool) bool {
	now := time.Now()
	r.mu.Lock()
	p, stages, due := r.latest, r.stages, r.due(now)
	r.mu.Unlock()
	if !due && !force {
		return true
	}
	if err := r.w.applyShard(ctx, p); err != nil {
		// Progress is advisory: a failed write is retried on the next tick.
		r.log.Warn("writing progress failed", "err", err)
		return false
	}
	r.mu.Lock()
	r.sent, r.everSent, r.sentAt, r.sentStages = p, true, now, stages
	r.mu.Unlock()
	return true
}

// flushLast writes the shard's last report, which no later tick would
// retry: shards that finish together each reread the run and apply their
// entry, and at 16 shards the three rereads of one write were sometimes
// all overtaken by the others' writes, which left the merging shard's
// "done" unwritten.
func (r *progressReporter) flushLast(ctx context.Context) {
	retryWithPause(ctx, lastReportAttempts, 100*time.Millisecond, func() bool { return r.flush(ctx, true) })
}

// lastReportAttempts bounds the tries of a shard's last report; the
// pauses between them, doubling from 0.1 s to at most 2 s, sum to 7 s at
// most.
const lastReportAttempts = 8

// retryWithPause calls try until it succeeds, attempts times at most, with
// a random pause of up to pause between tries that doubles each time up
// to 2 s: writers that collided then try again at different times.
func retryWithPause(ctx context.Context, attempts int, pause time.Duration, try func() bool) bool {
	for i := range attempts {
		if try() {
			return true
		}
		if i == attempts-1 {
			break
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(pause/2 + rand.N(pause/2+1)):
		}
		pause = min(2*pause, 2*time.Second)
	}
	return false
}

// due reports whether the latest progress is worth a write at now: the
// first report, a new stage or total at once, a new whole percent once
// minInterval has passed since the last write. r.mu is held.
func (r *progressReporter) due(now time.Time) bool {
	p := r.latest
	switch {
	case !r.everSent || r.stages != r.sentStages || p.total != r.sent.total:
		return true
	case percent(p) == percent(r.sent):
		return false
	}
	return now.Sub(r.sentAt) >= minInterval(r.w.env.Shards)
}

func percent(p shardProgress) int {
	if p.total == 0 {
		return 0
	}
	return p.done * 100 / p.total
}
