package runprogress

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestFoldShards(t *testing.T) {
	at := func(s int) *metav1.Time { return &metav1.Time{Time: time.Date(2026, 11, 27, 10, 0, s, 0, time.UTC)} }
	shard := func(i, done, total int32, token string, s int) v1alpha1.ShardStatus {
		return v1alpha1.ShardStatus{Index: i, ItemsDone: done, ItemsTotal: total, FencingToken: token, UpdatedAt: at(s), Message: token}
	}
	cases := []struct {
		name   string
		prev   *v1alpha1.Progress
		shards []v1alpha1.ShardStatus
		want   *v1alpha1.Progress
	}{
		{"sums current shards", nil, []v1alpha1.ShardStatus{shard(0, 10, 40, "2/u", 5), shard(1, 30, 40, "2/u", 7), shard(2, 39, 40, "1/u", 9)},
			&v1alpha1.Progress{ItemsDone: 40, ItemsTotal: 80, Percent: 50, PercentText: "50%", Items: "40/80", UpdatedAt: at(7), Message: "2/u"}},
		{"no current shard leaves progress alone", &v1alpha1.Progress{ItemsDone: 5, ItemsTotal: 10}, []v1alpha1.ShardStatus{shard(0, 9, 10, "1/u", 1)},
			&v1alpha1.Progress{ItemsDone: 5, ItemsTotal: 10}},
		{"never goes backwards while shards of a new hold report", &v1alpha1.Progress{ItemsDone: 60, ItemsTotal: 80},
			[]v1alpha1.ShardStatus{shard(0, 30, 40, "2/u", 1), shard(1, 0, 40, "2/u", 1)}, &v1alpha1.Progress{ItemsDone: 60, ItemsTotal: 80}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := testutil.MakeForecastRun("a", "ns").Obj()
			run.Status.FencingToken, run.Status.Progress, run.Status.Shards = "2/u", tc.prev, tc.shards
			foldShards(run)
			if diff := cmp.Diff(tc.want, run.Status.Progress); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
		})
	}
}

func TestETAFromThroughput(t *testing.T) {
	cases := []struct {
		name        string
		done, total int32
		elapsed     time.Duration
		want        string
		ok          bool
	}{
		{"linear extrapolation", 42, 100, 42 * time.Second, "58s", true},
		{"minutes", 100, 1000, 15 * time.Second, "2m15s", true},
		{"done", 100, 100, time.Minute, "0s", true},
		{"nothing done yet", 0, 100, time.Minute, "", false},
		{"unknown total", 10, 0, time.Minute, "", false},
		{"no time passed", 10, 100, 0, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := etaFromThroughput(tc.done, tc.total, tc.elapsed)
			got := ""
			if ok {
				got = d.Round(time.Second).String()
			}
			if got != tc.want || ok != tc.ok {
				t.Errorf("eta = %q, %v; want %q, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestEstimateCompletion(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { return &metav1.Time{Time: t0.Add(d)} }
	cases := []struct {
		name   string
		status v1alpha1.ForecastRunStatus
		want   *metav1.Time
	}{
		{"from throughput: 42 of 100 items in 42s finish 58s after the report",
			v1alpha1.ForecastRunStatus{AdmittedAt: at(0), Progress: &v1alpha1.Progress{ItemsDone: 42, ItemsTotal: 100, UpdatedAt: at(42 * time.Second)}},
			at(100 * time.Second)},
		{"from the estimated duration before any report",
			v1alpha1.ForecastRunStatus{AdmittedAt: at(0), EstimatedDuration: &metav1.Duration{Duration: 5 * time.Minute}}, at(5 * time.Minute)},
		{"throughput wins over history",
			v1alpha1.ForecastRunStatus{AdmittedAt: at(0), EstimatedDuration: &metav1.Duration{Duration: time.Hour},
				Progress: &v1alpha1.Progress{ItemsDone: 50, ItemsTotal: 100, UpdatedAt: at(time.Minute)}}, at(2 * time.Minute)},
		{"nothing to go by", v1alpha1.ForecastRunStatus{AdmittedAt: at(0)}, nil},
		{"not admitted", v1alpha1.ForecastRunStatus{EstimatedDuration: &metav1.Duration{Duration: time.Minute}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := EstimateCompletion(&v1alpha1.ForecastRun{Status: tc.status})
			if ok != (tc.want != nil) || (ok && !got.Equal(tc.want.Time)) {
				t.Errorf("estimated completion = %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { return &metav1.Time{Time: t0.Add(d)} }
	running := func(message string, shards ...v1alpha1.ShardStatus) *v1alpha1.ForecastRun {
		run := testutil.MakeForecastRun("a", "ns").Obj()
		run.Spec.LockName = "forecast-pipeline"
		run.Status.Phase, run.Status.FencingToken, run.Status.AdmittedAt = v1alpha1.PhaseRunning, "1/u", at(0)
		run.Status.Message, run.Status.Shards = message, shards
		return run
	}
	report := func(done, total int32, after time.Duration) v1alpha1.ShardStatus {
		return v1alpha1.ShardStatus{ItemsDone: done, ItemsTotal: total, FencingToken: "1/u", UpdatedAt: at(after), Message: "forecasting"}
	}
	cases := []struct {
		name    string
		run     *v1alpha1.ForecastRun
		message string
		eta     *metav1.Time
	}{
		{"says percent, items, ETA and lock",
			running("runner Job a-runner is running; holds lock forecast-pipeline", report(25, 100, 10*time.Second)),
			"running: 25% of items (25/100), ETA 2026-11-27T09:00:40Z; holds lock forecast-pipeline", at(40 * time.Second)},
		{"keeps the controller's note of retries",
			running("running: 10% of items (10/100), ETA x; holds lock forecast-pipeline; retrying after 1 failed runner Pod(s), the last: OOMKilled", report(50, 100, 20*time.Second)),
			"running: 50% of items (50/100), ETA 2026-11-27T09:00:40Z; holds lock forecast-pipeline; retrying after 1 failed runner Pod(s), the last: OOMKilled", at(40 * time.Second)},
		{"leaves the message until an item is done",
			running("runner Job a-runner is running; holds lock forecast-pipeline", report(0, 100, time.Second)),
			"runner Job a-runner is running; holds lock forecast-pipeline", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			Summarize(tc.run)
			if tc.run.Status.Message != tc.message {
				t.Errorf("message = %q, want %q", tc.run.Status.Message, tc.message)
			}
			if diff := cmp.Diff(tc.eta, tc.run.Status.EstimatedCompletionTime); diff != "" {
				t.Errorf("estimated completion (-want +got):\n%s", diff)
			}
			again := tc.run.DeepCopy()
			Summarize(again)
			if diff := cmp.Diff(tc.run.Status, again.Status); diff != "" {
				t.Errorf("a second Summarize changed the status, so the controller would write after the runner (-first +second):\n%s", diff)
			}
		})
	}
}
