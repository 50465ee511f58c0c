package forecastcli

import (
	"slices"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestOutcomeOfNamesWhatTheAPIDid(t *testing.T) {
	for _, tc := range []struct {
		status v1alpha1.ForecastRunStatus
		want   string
	}{
		{v1alpha1.ForecastRunStatus{}, "pending"},
		{v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhasePending}, "pending"},
		{v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning}, "running"},
		{v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued}, "queued"},
		// A duplicate mirrors its primary's phase; what matters is that it
		// shares the execution.
		{v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning, DuplicateOf: "first"}, "duplicate"},
		{v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued, DuplicateOf: "first"}, "duplicate"},
		{v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRejected}, "rejected"},
		{v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded}, "finished"},
	} {
		run := testutil.MakeForecastRun("r", "ns").Obj()
		run.Status = tc.status
		if got := outcomeOf(run); got != tc.want {
			t.Errorf("outcomeOf(%s, duplicateOf %q) = %s; want %s", tc.status.Phase, tc.status.DuplicateOf, got, tc.want)
		}
	}
}

// The expected duration of a mode is the last Succeeded run of that mode
// that executed: not a duplicate, not another mode, not an older one.
func TestLastDurationTakesTheLatestExecutedRunOfTheMode(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	succeeded := func(name string, mode v1alpha1.Mode, end time.Time, took time.Duration, dupOf string) v1alpha1.ForecastRun {
		r := testutil.MakeForecastRun(name, "ns").Mode(mode).Obj()
		r.Status = v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded, DuplicateOf: dupOf,
			StartTime: &metav1.Time{Time: end.Add(-took)}, CompletionTime: &metav1.Time{Time: end}}
		return *r
	}
	failed := succeeded("failed", v1alpha1.ModeSample, at.Add(time.Hour), time.Minute, "")
	failed.Status.Phase = v1alpha1.PhaseFailed
	runs := []v1alpha1.ForecastRun{
		succeeded("old", v1alpha1.ModeSample, at, 3*time.Minute, ""),
		succeeded("new", v1alpha1.ModeSample, at.Add(10*time.Minute), 90*time.Second, ""),
		succeeded("dup", v1alpha1.ModeSample, at.Add(20*time.Minute), time.Second, "new"),
		succeeded("quick", "", at.Add(30*time.Minute), 12*time.Second, ""), // no mode: QuickTest
		failed,
	}
	for mode, want := range map[v1alpha1.Mode]string{
		v1alpha1.ModeSample:    "about 1m30s (as new took)",
		v1alpha1.ModeQuickTest: "about 12s (as quick took)",
		v1alpha1.ModeFull:      "no Succeeded run yet",
	} {
		if got := lastDuration(runs, mode); got != want {
			t.Errorf("lastDuration(%s) = %q; want %q", mode, got, want)
		}
	}
}

func TestRunRowOf(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	running := testutil.MakeForecastRun("a", "ns").Obj()
	running.CreationTimestamp = metav1.Time{Time: now.Add(-5 * time.Minute)}
	running.Status = v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning,
		Progress:                &v1alpha1.Progress{Percent: 42, ItemsDone: 420, ItemsTotal: 1000},
		EstimatedCompletionTime: &metav1.Time{Time: now.Add(130 * time.Second)}}
	row := runRowOf(running, now)
	if row.Percent != 42 || row.Items != "420/1000" || row.ETA != "in 2m10s" || row.Age != "5m" || !row.Cancellable || row.Mode != "QuickTest" || row.Priority != "Normal" {
		t.Errorf("running row %+v", row)
	}
	running.Spec.Cancel = true
	if row := runRowOf(running, now); row.Cancellable || !row.Cancelling {
		t.Errorf("a run being cancelled: cancellable %v, cancelling %v; want false, true", row.Cancellable, row.Cancelling)
	}
	done := testutil.MakeForecastRun("b", "ns").Output("results", "runs").Obj()
	done.Status = v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded,
		EstimatedCompletionTime: &metav1.Time{Time: now.Add(time.Minute)},
		Result:                  &v1alpha1.Result{ItemsForecast: 10, Winners: map[string]int32{"Naive": 1, "AutoETS": 3, "Theta": 3}}}
	row = runRowOf(done, now)
	if row.Percent != 100 || row.ETA != "" || row.Cancellable || !row.HasReport || row.Result == nil {
		t.Fatalf("finished row %+v; want 100%%, no ETA, no cancel, a report and a result", row)
	}
	done.Status.DuplicateOf = "first"
	if row := runRowOf(done, now); row.HasReport || row.ReportNote != "Its files are those of first, whose execution it shared: open the report there." {
		t.Errorf("a finished duplicate: report %v, note %q; want the primary's report named", row.HasReport, row.ReportNote)
	}
	done.Status.DuplicateOf, done.Spec.Output = "", nil
	if row := runRowOf(done, now); row.HasReport || row.ReportNote == "" {
		t.Errorf("a finished run without a results claim: report %v, note %q; want a note why there is none", row.HasReport, row.ReportNote)
	}
	var order []string
	for _, w := range row.Result.Winners {
		order = append(order, w.Model+" "+w.Share)
	}
	if want := []string{"AutoETS 42.9%", "Theta 42.9%", "Naive 14.3%"}; !slices.Equal(order, want) {
		t.Errorf("winners %v; want %v (most won first, ties by name)", order, want)
	}
}
