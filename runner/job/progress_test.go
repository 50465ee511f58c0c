package job

import "testing"

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
