//go:build e2e

package e2e

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// scheduleRuns is what one look at a schedule's runs saw.
type scheduleRuns struct {
	names  []string
	active int
	phases map[v1alpha1.Phase]int
}

// TestScheduleWithFastClock: a schedule of every minute on the suite's
// 60-times clock creates a run each real second, named after its scheduled
// time; Forbid keeps one at a time and skips the rest; history limits prune
// finished runs; and a manager killed and started again creates no run
// twice and none while it was away.
func TestScheduleWithFastClock(t *testing.T) {
	ns := namespace(t)
	manifest := `apiVersion: forecasting.dev/v1alpha1
kind: ForecastSchedule
metadata: {name: fast}
spec:
  schedule: "* * * * *"
  concurrencyPolicy: Forbid
  successfulRunsHistoryLimit: 2
  failedRunsHistoryLimit: 1
  runTemplate:
    spec:
      mode: QuickTest
      horizon: 7
      dataset: {synthetic: {items: 100, periods: 200, seed: 7}}
`
	if out, err := env.runInput(manifest, "apply", "-n", ns, "--server-side", "-f", "-"); err != nil {
		t.Fatalf("kubectl apply: %v\n%s", err, out)
	}
	// Re-applying the unchanged manifest, as a GitOps resync does, is a no-op.
	if out, err := env.runInput(manifest, "apply", "-n", ns, "--server-side", "-f", "-"); err != nil || !strings.Contains(out, "serverside-applied") {
		t.Fatalf("second kubectl apply: %v\n%s", err, out)
	}

	seen := map[string]bool{}
	maxActive := 0
	watch := func(d time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
			s := listScheduleRuns(t, ns, "fast")
			for _, n := range s.names {
				seen[n] = true
			}
			maxActive = max(maxActive, s.active)
		}
	}
	watch(20 * time.Second)
	before := len(seen)
	if before < 3 {
		t.Fatalf("%d runs in 20s of a schedule that is due every second: %v", before, keys(seen))
	}

	if err := env.killManager(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !env.managerRunning() {
			if err := env.startManager(); err != nil {
				t.Errorf("restarting the manager after the scenario: %v", err)
			}
		}
	})
	// The last poll may have missed a run the manager created just before
	// it died; count what exists now, then nothing may appear.
	for _, n := range listScheduleRuns(t, ns, "fast").names {
		seen[n] = true
	}
	before = len(seen)
	time.Sleep(5 * time.Second) // five scheduled times pass with no manager
	if s := listScheduleRuns(t, ns, "fast"); len(newNames(s.names, seen)) > 0 {
		t.Errorf("runs appeared with no manager running: %v", newNames(s.names, seen))
	}
	if err := env.startManager(); err != nil {
		t.Fatal(err)
	}
	watch(15 * time.Second)

	checkScheduleRunNames(t, ns, keys(seen))
	if len(seen) <= before {
		t.Errorf("no run after the manager restart: %v", keys(seen))
	}
	if maxActive > 1 {
		t.Errorf("%d runs were active at once under concurrencyPolicy Forbid", maxActive)
	}
	final := listScheduleRuns(t, ns, "fast")
	if final.phases[v1alpha1.PhaseSucceeded] > 2 || final.phases[v1alpha1.PhaseFailed]+final.phases[v1alpha1.PhaseCancelled] > 1 {
		t.Errorf("history limits 2 succeeded and 1 failed, but kept %v", final.phases)
	}
	if len(final.names) >= len(seen) {
		t.Errorf("no run was pruned: %d seen, %d kept", len(seen), len(final.names))
	}
	var sched v1alpha1.ForecastSchedule
	getJSON(t, &sched, "forecastschedule", "fast", "-n", ns)
	if sched.Status.LastSkippedTime == nil {
		t.Errorf("Forbid never skipped a scheduled time though runs take longer than a second: %+v", sched.Status)
	}
	if sched.Status.NextScheduleTime == nil || sched.Status.LastScheduleTime == nil {
		t.Errorf("status lacks last or next schedule time: %+v", sched.Status)
	}
	out := kubectl(t, "get", "forecastschedules", "-n", ns)
	for _, col := range []string{"SCHEDULE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "NEXT", "* * * * *"} {
		if !strings.Contains(out, col) {
			t.Errorf("kubectl get forecastschedules lacks %q:\n%s", col, out)
		}
	}
}

// listScheduleRuns lists the runs of a schedule through kubectl.
func listScheduleRuns(t *testing.T, ns, schedule string) scheduleRuns {
	t.Helper()
	var list v1alpha1.ForecastRunList
	getJSON(t, &list, "forecastruns", "-n", ns, "-l", v1alpha1.LabelSchedule+"="+schedule)
	s := scheduleRuns{phases: map[v1alpha1.Phase]int{}}
	for _, r := range list.Items {
		s.names = append(s.names, r.Name)
		s.phases[r.Status.Phase]++
		if !r.Status.Phase.Finished() && r.DeletionTimestamp.IsZero() {
			s.active++
		}
	}
	return s
}

// checkScheduleRunNames: every run is named <schedule>-<YYYYMMDD>-<HHMM>
// after its scheduled-at annotation, so no scheduled time has two runs.
func checkScheduleRunNames(t *testing.T, ns string, names []string) {
	t.Helper()
	pattern := regexp.MustCompile(`^fast-\d{8}-\d{4}$`)
	for _, n := range names {
		if !pattern.MatchString(n) {
			t.Errorf("run name %q is not <schedule>-<YYYYMMDD>-<HHMM>", n)
		}
	}
	var list v1alpha1.ForecastRunList
	getJSON(t, &list, "forecastruns", "-n", ns)
	for _, r := range list.Items {
		at, err := time.Parse(time.RFC3339, r.Annotations[v1alpha1.AnnotationScheduledAt])
		if err != nil {
			t.Errorf("run %s: scheduled-at %q: %v", r.Name, r.Annotations[v1alpha1.AnnotationScheduledAt], err)
			continue
		}
		if want := "fast-" + at.UTC().Format("20060102-1504"); r.Name != want {
			t.Errorf("run %s is scheduled at %s, so should be named %s", r.Name, at, want)
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func newNames(names []string, seen map[string]bool) []string {
	var out []string
	for _, n := range names {
		if !seen[n] {
			out = append(out, n)
		}
	}
	return out
}
