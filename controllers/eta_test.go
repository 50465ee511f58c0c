package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestETAFromHistory(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	finished := func(name string, mode v1alpha1.Mode, items int32, took time.Duration, endedAgo time.Duration) v1alpha1.ForecastRun {
		r := testutil.MakeForecastRun(name, "ns").Mode(mode).Obj()
		r.Status.Phase = v1alpha1.PhaseSucceeded
		end := t0.Add(-endedAgo)
		r.Status.StartTime, r.Status.CompletionTime = &metav1.Time{Time: end.Add(-took)}, &metav1.Time{Time: end}
		r.Status.Progress = &v1alpha1.Progress{ItemsDone: items, ItemsTotal: items}
		return *r
	}
	history := []v1alpha1.ForecastRun{
		finished("old-full", v1alpha1.ModeFull, 3707, 100*time.Second, time.Hour),
		finished("new-full", v1alpha1.ModeFull, 3707, 200*time.Second, time.Minute),
		finished("quick", v1alpha1.ModeQuickTest, 100, 10*time.Second, 0),
	}
	cases := []struct {
		name string
		run  *v1alpha1.ForecastRun
		want string
		ok   bool
	}{
		{"full uses the latest full run and its size", testutil.MakeForecastRun("f", "ns").Mode(v1alpha1.ModeFull).Synthetic(0, 730, 1).Obj(), "3m20s", true},
		{"quick test scales by its items", testutil.MakeForecastRun("q", "ns").Mode(v1alpha1.ModeQuickTest).Synthetic(3707, 730, 1).Obj(), "10s", true},
		{"item limit", testutil.MakeForecastRun("l", "ns").Mode(v1alpha1.ModeQuickTest).ItemLimit(50).Synthetic(3707, 730, 1).Obj(), "5s", true},
		{"no history for the mode", testutil.MakeForecastRun("s", "ns").Mode(v1alpha1.ModeSample).Obj(), "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := etaFromHistory(tc.run, history)
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
