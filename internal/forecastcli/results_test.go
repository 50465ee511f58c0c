package forecastcli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func finishedWithResult(t *testing.T, ns, name string) *v1alpha1.ForecastRun {
	t.Helper()
	return createRun(t, testutil.MakeForecastRun(name, ns).Output("results", "runs").Obj(), v1alpha1.ForecastRunStatus{
		Phase: v1alpha1.PhaseSucceeded,
		Result: &v1alpha1.Result{ItemsForecast: 50, ItemsFailed: 1, Score: "0.8123", OutputPath: "pvc/results/runs/" + name,
			Winners: map[string]int32{"Theta": 20, "SES": 25, "Naive": 5}},
	})
}

func TestResultsPrintsTheSummary(t *testing.T) {
	ns := newNamespace(t)
	finishedWithResult(t, ns, "nightly")
	got := rows(mustExecute(t, "results", "nightly", "-n", ns))
	want := []string{
		"Run: | nightly (Succeeded)",
		"Items forecast: | 50",
		"Items failed: | 1",
		"Score: | 0.8123 (mean RMSSE of the winners' backtests; lower is better)",
		"Output: | pvc/results/runs/nightly",
		"",
		"MODEL | ITEMS WON | SHARE",
		"SES | 25 | 50.0%",
		"Theta | 20 | 40.0%",
		"Naive | 5 | 10.0%",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("results (-want +got):\n%s", d)
	}
}

// A reused result says whose it is and how old.
func TestResultsOfAReusedRun(t *testing.T) {
	ns := newNamespace(t)
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	computed := metav1.NewTime(now.Add(-(2*time.Hour + 18*time.Minute)))
	createRun(t, testutil.MakeForecastRun("morning", ns).Obj(), v1alpha1.ForecastRunStatus{
		Phase: v1alpha1.PhaseSucceeded, ReusedFrom: &v1alpha1.ReusedFrom{Name: "nightly", UID: "u", CompletionTime: computed},
		Result: &v1alpha1.Result{ItemsForecast: 50, Score: "0.8123", Winners: map[string]int32{"SES": 50}},
	})
	out, _, err := executeAt(t, func() time.Time { return now }, "results", "morning", "-n", ns)
	if err != nil || !strings.Contains(out, "Reused:           the result of nightly, computed 2h18m ago\n") {
		t.Errorf("results of a reused run (%v):\n%s", err, out)
	}
}

func TestResultsAsJSON(t *testing.T) {
	ns := newNamespace(t)
	finishedWithResult(t, ns, "nightly")
	var view resultsView
	out := mustExecute(t, "results", "nightly", "-n", ns, "-o", "json")
	if err := json.Unmarshal([]byte(out), &view); err != nil {
		t.Fatalf("decoding %q: %v", out, err)
	}
	if view.Name != "nightly" || view.Metric != "RMSSE" || view.Result.Winners["SES"] != 25 || view.Result.Score != "0.8123" {
		t.Errorf("results -o json = %+v", view)
	}
	if out := mustExecute(t, "results", "nightly", "-n", ns, "-o", "yaml"); !strings.Contains(out, "itemsForecast: 50") {
		t.Errorf("results -o yaml printed:\n%s", out)
	}
}

func TestResultsOfARunWithoutThem(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("busy", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning,
		Progress: &v1alpha1.Progress{Percent: 10, ItemsDone: 5, ItemsTotal: 50}})
	_, _, err := execute(t, "results", "busy", "-n", ns)
	if err == nil || !strings.Contains(err.Error(), "forecastrun/busy has no results yet: Running 10% (5/50 items)") {
		t.Errorf("results of a running run: %v", err)
	}
	createRun(t, testutil.MakeForecastRun("broken", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseFailed, Message: "bad row"})
	_, _, err = execute(t, "results", "broken", "-n", ns)
	if err == nil || !strings.Contains(err.Error(), "forecastrun/broken ended Failed without results: bad row") {
		t.Errorf("results of a failed run: %v", err)
	}
}
