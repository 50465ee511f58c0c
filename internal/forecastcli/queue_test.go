package forecastcli

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// holdLock writes the Lease of lock in ns with holder as its identity.
func holdLock(t *testing.T, ns, lock, holder string) {
	t.Helper()
	now := metav1.NewMicroTime(time.Now())
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: lock, Namespace: ns},
		Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To(holder), LeaseDurationSeconds: ptr.To[int32](60),
			AcquireTime: &now, RenewTime: &now},
	}
	if err := k8s.Create(context.Background(), lease); err != nil {
		t.Fatalf("creating lease %s: %v", lock, err)
	}
}

// queued is the status of a run queued at pos with an estimated duration
// such as "30s"; "" when it has no estimate.
func queued(pos int32, duration string) v1alpha1.ForecastRunStatus {
	st := v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued}
	if pos > 0 {
		st.QueuePosition = ptr.To(pos)
	}
	if duration != "" {
		d, err := time.ParseDuration(duration)
		if err != nil {
			panic(err)
		}
		st.EstimatedDuration = &metav1.Duration{Duration: d}
	}
	return st
}

// rows are the lines of out with their runs of spaces collapsed, so tests
// compare cells rather than alignment.
func rows(out string) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		lines = append(lines, regexp.MustCompile(` {2,}`).ReplaceAllString(strings.TrimSpace(l), " | "))
	}
	return lines
}

// The holder's progress, then the queue in the controller's order with the
// estimated start of each run: the time left of the holder (its estimated
// completion less now) plus the estimated durations ahead.
func TestQueueShowsHolderAndOrderedQueue(t *testing.T) {
	ns := newNamespace(t)
	now := time.Now().Truncate(time.Second) // stored times are whole seconds
	holder := createRun(t, testutil.MakeForecastRun("nightly", ns).Mode(v1alpha1.ModeFull).Obj(), v1alpha1.ForecastRunStatus{
		Phase: v1alpha1.PhaseRunning, EstimatedCompletionTime: &metav1.Time{Time: now.Add(time.Minute)},
		Progress: &v1alpha1.Progress{Percent: 42, ItemsDone: 1557, ItemsTotal: 3707},
	})
	holdLock(t, ns, defaultLock, "nightly/"+string(holder.UID))
	createRun(t, testutil.MakeForecastRun("adhoc", ns).Obj(), queued(2, "30s"))
	createRun(t, testutil.MakeForecastRun("urgent", ns).Priority(v1alpha1.PriorityUrgent).Obj(), queued(1, "2m"))
	createRun(t, testutil.MakeForecastRun("unsized", ns).Obj(), queued(3, ""))
	createRun(t, testutil.MakeForecastRun("last", ns).Obj(), queued(4, "10s"))
	// Not in this queue: another lock's run, a finished run, a cancelled one.
	createRun(t, testutil.MakeForecastRun("other-lock", ns).LockName("other").Obj(), queued(1, "1s"))
	createRun(t, testutil.MakeForecastRun("done", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded})
	cancelled := testutil.MakeForecastRun("cancelled", ns).Obj()
	cancelled.Spec.Cancel = true
	createRun(t, cancelled, queued(5, "1s"))

	out, errOut, err := executeAt(t, func() time.Time { return now }, "queue", "-n", ns)
	if err != nil {
		t.Fatalf("kubectl forecast queue: %v\n%s", err, errOut)
	}
	got := rows(out)
	want := []string{
		"Lock forecast-pipeline in namespace " + ns + " is held by:",
		"HOLDER | PHASE | PROGRESS | ITEMS | ETA | AGE",
		"nightly | Running | 42% | 1557/3707 | 1m | 0s",
		"POSITION | NAME | PRIORITY | AGE | EST. DURATION | ESTIMATED START",
		"1 | urgent | Urgent | 0s | 2m | in 1m",
		"2 | adhoc | Normal | 0s | 30s | in 3m",
		"3 | unsized | Normal | 0s | unknown | in 3m30s",
		"4 | last | Normal | 0s | 10s | unknown",
		"Other locks with unfinished runs in namespace " + ns + ": other (see them with --lock NAME).",
	}
	assertRows(t, got, want)
}

// assertRows compares table rows, ignoring blank lines and the AGE column
// (a slow machine may see "1s" where a fast one sees "0s").
func assertRows(t *testing.T, got, want []string) {
	t.Helper()
	got, want = withoutAge(got), withoutAge(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("queue printed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// withoutAge drops blank rows and, in each table, the AGE cell.
func withoutAge(rows []string) []string {
	var out []string
	ageAt := -1
	for _, r := range rows {
		if r == "" {
			ageAt = -1
			continue
		}
		cells := strings.Split(r, " | ")
		if i := slices.Index(cells, "AGE"); i >= 0 {
			ageAt = i
		}
		if ageAt >= 0 && ageAt < len(cells) {
			cells = slices.Delete(cells, ageAt, ageAt+1)
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return out
}

// A Lease held by something other than a run is shown by its identity, and
// the queue's starts are unknown: nobody knows when it lets go.
func TestQueueShowsAForeignHolder(t *testing.T) {
	ns := newNamespace(t)
	holdLock(t, ns, "maintenance", "ops@example.com")
	createRun(t, testutil.MakeForecastRun("waits", ns).LockName("maintenance").Obj(), queued(1, "10s"))
	out := mustExecute(t, "queue", "--lock", "maintenance", "-n", ns)
	if !strings.Contains(out, `is held by "ops@example.com", which is not a ForecastRun, last renewed`) {
		t.Errorf("queue printed:\n%s\nwant the Lease's holder identity", out)
	}
	if got := rows(out); !strings.HasPrefix(got[len(got)-1], "1 | waits | Normal") || !strings.HasSuffix(got[len(got)-1], "| unknown") {
		t.Errorf("queue row %q; want waits at position 1 with an unknown start", got[len(got)-1])
	}
}

func TestStartEstimates(t *testing.T) {
	queue := []v1alpha1.ForecastRun{{Status: queued(1, "90s")}, {Status: queued(2, "1h")}, {Status: queued(3, "")}, {Status: queued(4, "1s")}}
	var got []string
	for _, e := range startEstimates(estimate{in: 30 * time.Second, known: true}, queue) {
		got = append(got, e.String())
	}
	if want := "in 30s,in 2m,in 1h2m,unknown"; strings.Join(got, ",") != want {
		t.Errorf("starts %v, want %s", got, want)
	}
	if got := (estimate{known: true}).String(); got != "now" {
		t.Errorf("a zero estimate is %q, want now", got)
	}
}

func TestQueueOfAFreeLock(t *testing.T) {
	ns := newNamespace(t)
	out := mustExecute(t, "queue", "-n", ns)
	if !strings.Contains(out, "Lock forecast-pipeline in namespace "+ns+" is free.") || !strings.Contains(out, "No runs are queued.") {
		t.Errorf("queue printed:\n%s\nwant a free lock and an empty queue", out)
	}
}

// Without positions from the controller, the queue follows its rule:
// priority, then creation time, then name; positioned runs come first.
func TestQueueOrderFallsBackToTheControllersRule(t *testing.T) {
	t0 := metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 := metav1.NewTime(t0.Add(time.Second))
	mk := func(name string, p v1alpha1.Priority, created metav1.Time, pos int32) v1alpha1.ForecastRun {
		r := testutil.MakeForecastRun(name, "ns").Priority(p).Obj()
		r.CreationTimestamp, r.Status = created, queued(pos, "")
		return *r
	}
	runs := []v1alpha1.ForecastRun{
		mk("normal-late", v1alpha1.PriorityNormal, t1, 0),
		mk("normal-b", v1alpha1.PriorityNormal, t0, 0),
		mk("normal-a", v1alpha1.PriorityNormal, t0, 0),
		mk("high", v1alpha1.PriorityHigh, t1, 0),
		mk("urgent", v1alpha1.PriorityUrgent, t1, 0),
		mk("placed-2", v1alpha1.PriorityNormal, t1, 2),
		mk("placed-1", v1alpha1.PriorityNormal, t1, 1),
	}
	var got []string
	for _, r := range queueOrder(runs) {
		got = append(got, r.Name)
	}
	want := "placed-1 placed-2 urgent high normal-a normal-b normal-late"
	if strings.Join(got, " ") != want {
		t.Errorf("queue order %v, want %s", got, want)
	}
}
