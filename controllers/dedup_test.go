package controllers

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// specHash is the identity of a run with this spec and no schedule.
func specHash(spec *v1alpha1.ForecastRunSpec) string {
	return identityHash(&v1alpha1.ForecastRun{Spec: *spec})
}

func TestScheduledTimeIsIdentity(t *testing.T) {
	at := func(when string) string {
		run := testutil.MakeForecastRun("a", "ns").Mode(v1alpha1.ModeFull).Obj()
		if when != "" {
			run.Annotations = map[string]string{v1alpha1.AnnotationScheduledAt: when}
		}
		return identityHash(run)
	}
	if at("2026-11-27T02:00:00Z") == at("2026-11-28T02:00:00Z") {
		t.Errorf("runs of two scheduled times share an identity; the later would mirror the earlier")
	}
	if at("2026-11-27T02:00:00Z") == at("") {
		t.Errorf("a scheduled run shares the identity of an unscheduled one")
	}
	if at("") != specHash(&testutil.MakeForecastRun("b", "ns").Mode(v1alpha1.ModeFull).Obj().Spec) {
		t.Errorf("an unscheduled run's identity depends on more than its spec")
	}
}

func TestSpecHash(t *testing.T) {
	base := func() *testutil.RunBuilder {
		return testutil.MakeForecastRun("a", "ns").Mode(v1alpha1.ModeFull).Horizon(14)
	}
	with := func(f func(*v1alpha1.ForecastRunSpec)) *v1alpha1.ForecastRunSpec {
		spec := base().Obj().Spec
		f(&spec)
		return &spec
	}
	ref := specHash(&base().Obj().Spec)
	cases := []struct {
		name string
		spec *v1alpha1.ForecastRunSpec
		same bool
	}{
		{"priority is not identity", &base().Priority(v1alpha1.PriorityUrgent).Obj().Spec, true},
		{"whenBusy is not identity", &base().WhenBusy(v1alpha1.BusyReject).Obj().Spec, true},
		{"lock name is not identity", &base().LockName("other").Obj().Spec, true},
		{"timeouts are not identity", &base().Timeout(metav1.Duration{Duration: time.Hour}).QueueTimeout(metav1.Duration{Duration: time.Minute}).Obj().Spec, true},
		{"cancel is not identity", with(func(s *v1alpha1.ForecastRunSpec) { s.Cancel = true }), true},
		{"parallelism is not identity", &base().Parallelism(4).Obj().Spec, true},
		{"model order is not identity", with(func(s *v1alpha1.ForecastRunSpec) {
			s.Models = []v1alpha1.ModelName{"Theta", "Naive"}
		}), specHash(with(func(s *v1alpha1.ForecastRunSpec) { s.Models = []v1alpha1.ModelName{"Naive", "Theta"} })) == ref},
		{"levels are identity", with(func(s *v1alpha1.ForecastRunSpec) { s.Intervals.Levels = []int32{95, 80} }), false},
		{"quantiles are identity", with(func(s *v1alpha1.ForecastRunSpec) { s.Intervals.Quantiles = []int32{95} }), false},
		{"the meaning of absent periods is identity", with(func(s *v1alpha1.ForecastRunSpec) { s.Dataset.Missing = "unknown" }), false},
		{"mode is identity", &base().Mode(v1alpha1.ModeSample).Obj().Spec, false},
		{"horizon is identity", &base().Horizon(7).Obj().Spec, false},
		{"dataset is identity", &base().Synthetic(50, 120, 2).Obj().Spec, false},
		{"metric is identity", with(func(s *v1alpha1.ForecastRunSpec) { s.Metric = v1alpha1.Metric("RMSE") }), false},
		{"sampling seed is identity", with(func(s *v1alpha1.ForecastRunSpec) { s.Sampling.Seed = 9 }), false},
		{"models are identity", with(func(s *v1alpha1.ForecastRunSpec) { s.Models = []v1alpha1.ModelName{"Naive"} }), false},
		{"backtest is identity", with(func(s *v1alpha1.ForecastRunSpec) { s.Backtest.Windows = 5 }), false},
		{"output is identity: a run gets its files where it asked", &base().Output("results", "elsewhere").Obj().Spec, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := specHash(tc.spec) == ref; got != tc.same {
				t.Errorf("same hash = %v, want %v", got, tc.same)
			}
		})
	}
	sorted := specHash(with(func(s *v1alpha1.ForecastRunSpec) { s.Intervals.Levels = []int32{80, 95} }))
	if specHash(with(func(s *v1alpha1.ForecastRunSpec) { s.Intervals.Levels = []int32{95, 80} })) != sorted {
		t.Errorf("interval levels in another order hash differently")
	}
	versioned := func(v string) string {
		run := base().Obj()
		run.Status.DataVersion = v
		return identityHash(run)
	}
	if versioned("configmap/u/1") == versioned("configmap/u/2") || versioned("configmap/u/1") == ref {
		t.Errorf("the data version the controller knows beforehand is not part of the identity")
	}
	if versioned("sha256:0a") != ref {
		t.Errorf("a digest the runner reported after reading is part of the identity; new runs cannot know it")
	}
	limitA := specHash(&base().ItemLimit(10).Obj().Spec)
	if limitB := specHash(&base().ItemLimit(10).Mode(v1alpha1.ModeQuickTest).Obj().Spec); limitA != limitB {
		t.Errorf("an item limit should replace the mode in the identity")
	}
}

func TestPickPrimary(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	run := func(name string, phase v1alpha1.Phase, age time.Duration, p v1alpha1.Priority) v1alpha1.ForecastRun {
		r := testutil.MakeForecastRun(name, "ns").Priority(p).Obj()
		r.CreationTimestamp = metav1.NewTime(t0.Add(-age))
		r.Status.Phase = phase
		return *r
	}
	cases := []struct {
		name string
		runs []v1alpha1.ForecastRun
		want string
	}{
		{"earliest when none committed", []v1alpha1.ForecastRun{run("b", "", 0, ""), run("a", "", 0, ""), run("c", "", time.Second, "")}, "c"},
		{"running wins over earlier", []v1alpha1.ForecastRun{run("old", v1alpha1.PhaseQueued, time.Hour, ""), run("new", v1alpha1.PhaseRunning, 0, "")}, "new"},
		{"urgent leads a queued normal", []v1alpha1.ForecastRun{run("n", v1alpha1.PhaseQueued, time.Hour, ""), run("u", "", 0, v1alpha1.PriorityUrgent)}, "u"},
		{"name breaks ties", []v1alpha1.ForecastRun{run("y", v1alpha1.PhaseQueued, 0, ""), run("x", v1alpha1.PhaseQueued, 0, "")}, "x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := pickPrimary(tc.runs).Name; got != tc.want {
				t.Errorf("primary = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestTwentyIdenticalRunsShareOneJob: twenty identical runs created at
// once start exactly one Job; the other nineteen record duplicateOf, mirror
// the progress and finish Succeeded with the primary's result.
func TestTwentyIdenticalRunsShareOneJob(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() { create(t, testutil.MakeForecastRun(fmt.Sprintf("same-%02d", i), ns).Obj()) })
	}
	wg.Wait()
	var primary string
	eventually(t, 30*time.Second, "one primary and nineteen duplicates", func() error {
		var err error
		if primary, err = onePrimary(ns, 20); err != nil {
			return err
		}
		if jobs := listJobs(t, ns); len(jobs) != 1 {
			return fmt.Errorf("%d jobs", len(jobs))
		}
		return nil
	})
	consistently(t, 2*time.Second, "exactly one job", func() error {
		if jobs := listJobs(t, ns); len(jobs) != 1 || jobs[0].Name != primary+"-runner" {
			return fmt.Errorf("jobs: %d, want only %s-runner", len(jobs), primary)
		}
		_, err := onePrimary(ns, 20)
		return err
	})
	p := getRun(t, ns, primary)
	reportShard(t, ns, primary, 0, 30, 50, p.Status.FencingToken)
	eventually(t, 10*time.Second, "duplicates mirror progress", func() error {
		return allRuns(ns, func(r *v1alpha1.ForecastRun) error { return progressIs(ns, r.Name, 30, 50)() })
	})
	p = getRun(t, ns, primary)
	result := &v1alpha1.Result{ItemsForecast: 50, Winners: map[string]int32{"Theta": 50}, Score: "0.91", FencingToken: p.Status.FencingToken}
	p.Status.Result = result
	if err := k8sClient.Status().Update(context.Background(), p); err != nil {
		t.Fatalf("writing the result as the runner would: %v", err)
	}
	finishJob(t, ns, primary+"-runner", true)
	eventually(t, 20*time.Second, "all twenty Succeeded with the result", func() error {
		return allRuns(ns, func(r *v1alpha1.ForecastRun) error {
			if r.Status.Phase != v1alpha1.PhaseSucceeded {
				return fmt.Errorf("%s is %s", r.Name, r.Status.Phase)
			}
			if diff := cmp.Diff(result, r.Status.Result); diff != "" {
				return fmt.Errorf("%s result (-want +got):\n%s", r.Name, diff)
			}
			return nil
		})
	})
	if n := len(listJobs(t, ns)); n != 1 {
		t.Errorf("%d jobs after the end, want 1", n)
	}
}

// onePrimary checks that exactly one of n runs executes and the rest are
// its duplicates; it returns the primary's name.
func onePrimary(ns string, n int) (string, error) {
	var list v1alpha1.ForecastRunList
	if err := k8sClient.List(context.Background(), &list, inNS(ns)); err != nil {
		return "", err
	}
	var primaries []string
	dups := map[string]int{}
	for _, r := range list.Items {
		if r.Status.DuplicateOf == "" {
			primaries = append(primaries, r.Name)
		} else {
			dups[r.Status.DuplicateOf]++
		}
	}
	if len(list.Items) != n || len(primaries) != 1 || dups[primaries[0]] != n-1 {
		return "", fmt.Errorf("primaries %v, duplicates of each %v", primaries, dups)
	}
	if r := getRunNoT(ns, primaries[0]); r == nil || r.Status.Phase != v1alpha1.PhaseRunning || r.Status.JobName == "" {
		return "", fmt.Errorf("primary %s is not running yet", primaries[0])
	}
	return primaries[0], nil
}

func allRuns(ns string, check func(*v1alpha1.ForecastRun) error) error {
	var list v1alpha1.ForecastRunList
	if err := k8sClient.List(context.Background(), &list, inNS(ns)); err != nil {
		return err
	}
	for i := range list.Items {
		if err := check(&list.Items[i]); err != nil {
			return err
		}
	}
	return nil
}

func getRunNoT(ns, name string) *v1alpha1.ForecastRun {
	var run v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), keyOf(ns, name), &run); err != nil {
		return nil
	}
	return &run
}
