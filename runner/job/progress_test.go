package job

import (
	"context"
	"testing"
	"time"
)

// A replaced Pod's shard starts from what the attempt before it reported
// under the same hold: while it loads the dataset again (no total yet) and
// while its own count is behind, the run's progress does not drop back.
func TestRetriedShardReportsNoLessThanTheAttemptBefore(t *testing.T) {
	for _, tc := range []struct {
		name        string
		floor       shardProgress
		done, total int
		want        shardProgress
	}{
		{"loading again", shardProgress{done: 741, total: 6000}, 0, 0, shardProgress{done: 741, total: 6000}},
		{"resumed behind the report", shardProgress{done: 741, total: 6000}, 700, 6000, shardProgress{done: 741, total: 6000}},
		{"caught up", shardProgress{done: 741, total: 6000}, 900, 6000, shardProgress{done: 900, total: 6000}},
		{"no earlier attempt", shardProgress{}, 0, 0, shardProgress{}},
		{"another plan", shardProgress{done: 741, total: 6000}, 10, 500, shardProgress{done: 10, total: 500}},
	} {
		r := &progressReporter{}
		r.resumeFrom(tc.floor.done, tc.floor.total)
		r.update(tc.done, tc.total, "m")
		if got := r.latest; got.done != tc.want.done || got.total != tc.want.total {
			t.Errorf("%s: reported %d/%d, want %d/%d", tc.name, got.done, got.total, tc.want.done, tc.want.total)
		}
	}
}

// A shard writes a new whole percent at most once per second per shard of
// the run, a new stage or total at once, and never for an item's message
// alone: before, every item forecast changed the message and cost a write
// a second per shard, 64 a second for a run of 64 shards.
func TestShardReportsAreBoundedPerRun(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	sent := shardProgress{done: 10, total: 100, message: "item_1: AutoETS"}
	for _, tc := range []struct {
		name   string
		shards int
		latest shardProgress
		stage  bool
		after  time.Duration
		want   bool
	}{
		{"an item's message alone", 1, shardProgress{done: 10, total: 100, message: "item_2: Naive"}, false, time.Hour, false},
		{"a new percent, one shard, a second later", 1, shardProgress{done: 11, total: 100}, false, time.Second, true},
		{"a new percent, one shard, within the second", 1, shardProgress{done: 11, total: 100}, false, 500 * time.Millisecond, false},
		{"a new percent, 64 shards, a second later", 64, shardProgress{done: 11, total: 100}, false, time.Second, false},
		{"a new percent, 64 shards, 64 seconds later", 64, shardProgress{done: 11, total: 100}, false, 64 * time.Second, true},
		{"a new stage, 64 shards, at once", 64, shardProgress{done: 100, total: 100, message: "writing results"}, true, 0, true},
		{"a new total, at once", 64, shardProgress{done: 0, total: 120}, false, 0, true},
	} {
		r := &progressReporter{w: statusWriter{env: Env{Shards: tc.shards}}}
		r.sent, r.everSent, r.sentAt = sent, true, t0
		r.latest = tc.latest
		if tc.stage {
			r.stages++
		}
		if got := r.due(t0.Add(tc.after)); got != tc.want {
			t.Errorf("%s: due = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// retryWithPause tries until a try succeeds, at most attempts times, and
// stops when its context ends.
func TestRetryWithPause(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failures  int
		cancelled bool
		wantOK    bool
		wantTries int
	}{
		{"first try", 0, false, true, 1},
		{"third try", 2, false, true, 3},
		{"never", 100, false, false, 5},
		{"cancelled", 100, true, false, 1},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		if tc.cancelled {
			cancel()
		}
		tries := 0
		ok := retryWithPause(ctx, 5, time.Millisecond, func() bool { tries++; return tries > tc.failures })
		cancel()
		if ok != tc.wantOK || tries != tc.wantTries {
			t.Errorf("%s: ok %t after %d tries, want %t after %d", tc.name, ok, tries, tc.wantOK, tc.wantTries)
		}
	}
}
