package schedule

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestCreatesOneRunPerScheduledTime: a run appears at its scheduled time
// and not before, named after that time, carrying the template; repeated
// passes, a second reconciler (a restarted manager) and a lost status write
// create nothing more.
func TestCreatesOneRunPerScheduledTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testutil.MakeForecastSchedule("nightly", "").RunLabels(map[string]string{"team": "planning"}))

	res := f.at(0, -5*time.Minute)
	if names := f.runNames(); len(names) != 0 {
		t.Fatalf("runs before the scheduled time: %v", names)
	}
	if res.RequeueAfter < 5*time.Minute || res.RequeueAfter > 5*time.Minute+time.Second {
		t.Errorf("requeue after %s, want 5m (the wait for the scheduled time)", res.RequeueAfter)
	}
	if next := f.schedule().Status.NextScheduleTime; next == nil || !next.Equal(&metav1.Time{Time: f.hour0}) {
		t.Errorf("nextScheduleTime = %v, want %s", next, f.hour0)
	}

	f.at(0, 30*time.Second)
	want := []string{f.runAt(0)}
	if diff := cmp.Diff(want, f.runNames()); diff != "" {
		t.Fatalf("runs (-want +got):\n%s", diff)
	}
	var run v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), types.NamespacedName{Namespace: f.ns, Name: f.runAt(0)}, &run); err != nil {
		t.Fatal(err)
	}
	s := f.schedule()
	if !metav1.IsControlledBy(&run, s) || run.Labels[v1alpha1.LabelSchedule] != "nightly" || run.Labels["team"] != "planning" ||
		run.Annotations[v1alpha1.AnnotationScheduledAt] != f.hour0.UTC().Format(time.RFC3339) {
		t.Errorf("run metadata = %+v, want owner, schedule and template labels, scheduled-at", run.ObjectMeta)
	}
	if diff := cmp.Diff(s.Spec.RunTemplate.Spec, run.Spec); diff != "" {
		t.Errorf("run spec differs from the template (-template +run):\n%s", diff)
	}
	if diff := cmp.Diff([]string{f.runAt(0)}, s.Status.Active); diff != "" {
		t.Errorf("active (-want +got):\n%s", diff)
	}

	f.reconcile()
	if _, err := newReconciler(f.clock).Reconcile(context.Background(), ctrl.Request{NamespacedName: types.NamespacedName{Namespace: f.ns, Name: f.name}}); err != nil {
		t.Fatal(err)
	}
	// A manager that died after creating the run but before recording it.
	s = f.schedule()
	s.Status.LastScheduleTime = nil
	if err := k8sClient.Status().Update(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	f.r = newReconciler(f.clock)
	f.reconcile()
	if diff := cmp.Diff(want, f.runNames()); diff != "" {
		t.Fatalf("runs after resyncs and a restart (-want +got):\n%s", diff)
	}
	if last := f.schedule().Status.LastScheduleTime; last == nil || !last.Time.Equal(f.hour0) {
		t.Errorf("lastScheduleTime = %v, want %s restored", last, f.hour0)
	}

	f.at(1, time.Second)
	want = append(want, f.runAt(1))
	if diff := cmp.Diff(want, f.runNames()); diff != "" {
		t.Fatalf("runs after the second hour (-want +got):\n%s", diff)
	}
}

// TestForbidSkipsWhileARunIsActive, and runs again once it finished.
func TestForbidSkipsWhileARunIsActive(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testutil.MakeForecastSchedule("forbid", "").Policy(v1alpha1.ConcurrencyForbid))
	f.at(0, time.Second)
	f.at(1, time.Second)
	if diff := cmp.Diff([]string{f.runAt(0)}, f.runNames()); diff != "" {
		t.Fatalf("runs while the first is active (-want +got):\n%s", diff)
	}
	if skipped := f.schedule().Status.LastSkippedTime; skipped == nil || !skipped.Time.Equal(f.hour0.Add(time.Hour)) {
		t.Errorf("lastSkippedTime = %v, want hour 1", skipped)
	}
	if note := f.waitEvent("SkippedRun"); !strings.Contains(note, f.runAt(0)+" has not finished (concurrencyPolicy Forbid)") {
		t.Errorf("SkippedRun event says %q", note)
	}
	f.finish(f.runAt(0), v1alpha1.PhaseSucceeded)
	f.at(1, 2*time.Second) // hour 1 was skipped for good
	f.at(2, time.Second)
	if diff := cmp.Diff([]string{f.runAt(0), f.runAt(2)}, f.runNames()); diff != "" {
		t.Fatalf("runs after the first finished (-want +got):\n%s", diff)
	}
}

// TestQueueCreatesBehindTheActiveRun and Replace cancels it.
func TestQueueAndReplace(t *testing.T) {
	t.Parallel()
	q := newFixture(t, testutil.MakeForecastSchedule("queue", "").Policy(v1alpha1.ConcurrencyQueue))
	q.at(0, time.Second)
	q.at(1, time.Second)
	if diff := cmp.Diff([]string{q.runAt(0), q.runAt(1)}, q.runNames()); diff != "" {
		t.Errorf("Queue runs (-want +got):\n%s", diff)
	}

	r := newFixture(t, testutil.MakeForecastSchedule("replace", "").Policy(v1alpha1.ConcurrencyReplace))
	r.at(0, time.Second)
	r.at(1, time.Second)
	var first v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), types.NamespacedName{Namespace: r.ns, Name: r.runAt(0)}, &first); err != nil {
		t.Fatal(err)
	}
	if !first.Spec.Cancel {
		t.Errorf("Replace left the earlier run uncancelled")
	}
	if diff := cmp.Diff([]string{r.runAt(0), r.runAt(1)}, r.runNames()); diff != "" {
		t.Errorf("Replace runs (-want +got):\n%s", diff)
	}
}

// TestHistoryLimitsPruneOldestFirst.
func TestHistoryLimitsPruneOldestFirst(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testutil.MakeForecastSchedule("history", "").History(2, 1))
	phases := []v1alpha1.Phase{v1alpha1.PhaseSucceeded, v1alpha1.PhaseFailed, v1alpha1.PhaseSucceeded, v1alpha1.PhaseSucceeded, v1alpha1.PhaseCancelled}
	for h, phase := range phases {
		f.at(h, time.Second)
		f.finish(f.runAt(h), phase)
	}
	f.at(len(phases), time.Second) // prunes, and creates hour 5's run
	want := []string{f.runAt(2), f.runAt(3), f.runAt(4), f.runAt(5)}
	if diff := cmp.Diff(want, f.runNames()); diff != "" {
		t.Errorf("runs kept (-want +got):\n%s", diff)
	}
	if last := f.schedule().Status.LastSuccessfulTime; last == nil {
		t.Errorf("lastSuccessfulTime not set")
	}
}

// TestMissedTimesCatchUpOnceWithinTheDeadline: after a long absence only the
// latest missed time runs; past startingDeadlineSeconds nothing runs.
func TestMissedTimesCatchUpOnceWithinTheDeadline(t *testing.T) {
	t.Parallel()
	f := newFixture(t, testutil.MakeForecastSchedule("catchup", "").Policy(v1alpha1.ConcurrencyForbid))
	f.at(4, 10*time.Minute)
	if diff := cmp.Diff([]string{f.runAt(4)}, f.runNames()); diff != "" {
		t.Errorf("runs after missing five times (-want +got):\n%s", diff)
	}
	if note := f.waitEvent("MissedSchedules"); !strings.Contains(note, "5 scheduled times passed") {
		t.Errorf("MissedSchedules event says %q", note)
	}

	d := newFixture(t, testutil.MakeForecastSchedule("deadline", "").Deadline(300))
	d.at(0, 10*time.Minute)
	if names := d.runNames(); len(names) != 0 {
		t.Errorf("a run 10 minutes late was created despite a 5-minute deadline: %v", names)
	}
	if note := d.waitEvent("MissedStartingDeadline"); !strings.Contains(note, "10m0s late, over startingDeadlineSeconds 300") {
		t.Errorf("MissedStartingDeadline event says %q", note)
	}
	d.at(1, time.Minute)
	if diff := cmp.Diff([]string{d.runAt(1)}, d.runNames()); diff != "" {
		t.Errorf("runs after the next, timely hour (-want +got):\n%s", diff)
	}
}

// TestSuspendedAndInvalidSchedulesReportIt.
func TestSuspendedAndInvalidSchedulesReportIt(t *testing.T) {
	t.Parallel()
	s := newFixture(t, testutil.MakeForecastSchedule("paused", "").Suspend(true))
	if res := s.at(3, 0); res.RequeueAfter != 0 {
		t.Errorf("a suspended schedule asked to be woken after %s", res.RequeueAfter)
	}
	if names := s.runNames(); len(names) != 0 {
		t.Errorf("a suspended schedule created %v", names)
	}
	assertCondition(t, s.schedule(), v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonSuspended)

	bad := newFixture(t, testutil.MakeForecastSchedule("bad", "").Cron("61 * * * *"))
	bad.at(1, 0)
	got := bad.schedule()
	assertCondition(t, got, v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSchedule)
	if c := meta.FindStatusCondition(got.Status.Conditions, v1alpha1.ConditionReady); c == nil || !strings.Contains(c.Message, `cannot read schedule "61 * * * *"`) {
		t.Errorf("Ready condition = %+v, want the parse error", c)
	}

	zone := newFixture(t, testutil.MakeForecastSchedule("zone", "").TimeZone("Europe/Atlantis"))
	zone.at(1, 0)
	assertCondition(t, zone.schedule(), v1alpha1.ConditionStalled, metav1.ConditionTrue, v1alpha1.ReasonInvalidSchedule)

	ok := newFixture(t, testutil.MakeForecastSchedule("ok", ""))
	ok.at(0, time.Second)
	got = ok.schedule()
	assertCondition(t, got, v1alpha1.ConditionReady, metav1.ConditionTrue, v1alpha1.ReasonScheduled)
	if got.Status.ObservedGeneration != got.Generation {
		t.Errorf("observedGeneration %d, generation %d", got.Status.ObservedGeneration, got.Generation)
	}
}

func assertCondition(t *testing.T, s *v1alpha1.ForecastSchedule, typ string, status metav1.ConditionStatus, reason string) {
	t.Helper()
	c := meta.FindStatusCondition(s.Status.Conditions, typ)
	if c == nil || c.Status != status || c.Reason != reason || c.ObservedGeneration != s.Generation {
		t.Errorf("condition %s = %+v, want %s/%s at generation %d", typ, c, status, reason, s.Generation)
	}
}

// TestAPIRefusesBadSchedules: shape errors are caught by the API server.
func TestAPIRefusesBadSchedules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		s    *v1alpha1.ForecastSchedule
		want string
	}{
		{"prose", testutil.MakeForecastSchedule("prose", "default").Cron("every night").Obj(), "schedule must be a cron expression of five fields"},
		{"six fields", testutil.MakeForecastSchedule("six", "default").Cron("0 0 2 * * *").Obj(), "schedule must be a cron expression of five fields"},
		{"long name", testutil.MakeForecastSchedule(strings.Repeat("n", 41), "default").Obj(), "a ForecastSchedule name is at most 40 characters"},
		{"bad policy", testutil.MakeForecastSchedule("policy", "default").Policy("Sometimes").Obj(), `spec.concurrencyPolicy: Unsupported value: "Sometimes"`},
		{"template validated", func() *v1alpha1.ForecastSchedule {
			s := testutil.MakeForecastSchedule("tmpl", "default").Obj()
			s.Spec.RunTemplate.Spec.Dataset.URL = "https://example.com/d.csv"
			return s
		}(), "dataset must set exactly one source"},
	}
	for _, tc := range cases {
		err := k8sClient.Create(context.Background(), tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: create = %v, want a refusal containing %q", tc.name, err, tc.want)
		}
	}
}

// TestTemplateStaysEditable: the run spec's immutability belongs to runs,
// not to a schedule's template.
func TestTemplateStaysEditable(t *testing.T) {
	t.Parallel()
	s := testutil.MakeForecastSchedule("editable", newNamespace(t)).Obj()
	if err := k8sClient.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	s.Spec.RunTemplate.Spec.Mode = v1alpha1.ModeFull
	s.Spec.RunTemplate.Spec.LockName = "other-lock"
	if err := k8sClient.Update(context.Background(), s); err != nil {
		t.Errorf("editing the template was refused: %v", err)
	}
}

// TestReapplyingUnchangedIsANoOp: GitOps tools re-apply the same manifest
// on every sync; that must change nothing on the server.
func TestReapplyingUnchangedIsANoOp(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	manifest := `apiVersion: forecasting.dev/v1alpha1
kind: ForecastSchedule
metadata: {name: gitops, namespace: ` + ns + `}
spec:
  schedule: "0 2 * * *"
  timeZone: Europe/Berlin
  concurrencyPolicy: Forbid
  runTemplate:
    spec:
      mode: Full
      dataset: {synthetic: {items: 20}}
`
	apply := func() string {
		cmd := exec.Command(cp.Kubectl, "--kubeconfig", cp.Kubeconfig, "apply", "--server-side", "--field-manager", "flux", "-f", "-")
		cmd.Stdin = strings.NewReader(manifest)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl apply: %v\n%s", err, out)
		}
		return string(out)
	}
	apply()
	before := &v1alpha1.ForecastSchedule{}
	if err := k8sClient.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "gitops"}, before); err != nil {
		t.Fatal(err)
	}
	apply()
	after := &v1alpha1.ForecastSchedule{}
	if err := k8sClient.Get(context.Background(), types.NamespacedName{Namespace: ns, Name: "gitops"}, after); err != nil {
		t.Fatal(err)
	}
	if before.ResourceVersion != after.ResourceVersion || before.Generation != after.Generation {
		t.Errorf("re-apply changed the object: resourceVersion %s → %s, generation %d → %d",
			before.ResourceVersion, after.ResourceVersion, before.Generation, after.Generation)
	}
}
