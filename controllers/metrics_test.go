package controllers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestCountRuns(t *testing.T) {
	run := func(name, ns, lock string, phase v1alpha1.Phase) v1alpha1.ForecastRun {
		r := testutil.MakeForecastRun(name, ns).LockName(lock).Obj()
		r.Status.Phase = phase
		return *r
	}
	dup := run("d", "a", "l1", v1alpha1.PhaseQueued)
	dup.Status.DuplicateOf = "x"
	byPhase, depth := countRuns([]v1alpha1.ForecastRun{
		run("r", "a", "l1", v1alpha1.PhaseRunning), run("q1", "a", "l1", v1alpha1.PhaseQueued), run("q2", "a", "l1", v1alpha1.PhaseQueued),
		run("q3", "a", "l2", v1alpha1.PhaseQueued), run("new", "b", "l1", ""), dup,
	})
	wantPhase := map[[2]string]int{{"a", "Running"}: 1, {"a", "Queued"}: 4, {"b", "Pending"}: 1}
	wantDepth := map[[2]string]int{{"a", "l1"}: 2, {"a", "l2"}: 1}
	if diff := cmp.Diff(wantPhase, byPhase); diff != "" {
		t.Errorf("runs by phase (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantDepth, depth); diff != "" {
		t.Errorf("queue depth (-want +got):\n%s", diff)
	}
}

// TestMetricsServed checks the gauges and the wait histogram on the
// registry the manager serves on /metrics.
func TestMetricsServed(t *testing.T) {
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("holder", ns).Horizon(1).Obj())
	waitPhase(t, ns, "holder", v1alpha1.PhaseRunning)
	create(t, testutil.MakeForecastRun("waiter", ns).Horizon(2).Obj())
	waitPhase(t, ns, "waiter", v1alpha1.PhaseQueued)
	eventually(t, 10*time.Second, "gauges and histogram", func() error {
		want := map[string]float64{
			"forecastrun_runs/Running":                         1,
			"forecastrun_runs/Queued":                          1,
			"forecastrun_queue_depth/forecast-pipeline":        1,
			"forecastrun_queue_wait_seconds/forecast-pipeline": 1,
		}
		got, err := gatherFor(ns)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got); diff != "" {
			return fmt.Errorf("metrics (-want +got):\n%s", diff)
		}
		return nil
	})
}

// gatherFor reads this operator's metrics for one namespace, keyed by name
// and the phase or lock label; a histogram gives its sample count.
func gatherFor(ns string) (map[string]float64, error) {
	families, err := metrics.Registry.Gather()
	if err != nil {
		return nil, err
	}
	got := map[string]float64{}
	for _, f := range families {
		if !strings.HasPrefix(f.GetName(), "forecastrun_") {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["namespace"] != ns {
				continue
			}
			key := f.GetName() + "/" + labels["phase"] + labels["lock"]
			switch {
			case m.GetHistogram() != nil:
				got[key] = float64(m.GetHistogram().GetSampleCount())
			case m.GetGauge() != nil:
				got[key] = m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				got[key] = m.GetCounter().GetValue()
			}
		}
	}
	return got, nil
}
