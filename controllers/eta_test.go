package controllers

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

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
			got, ok := estimateCompletion(&v1alpha1.ForecastRun{Status: tc.status})
			if ok != (tc.want != nil) || (ok && !got.Equal(tc.want.Time)) {
				t.Errorf("estimated completion = %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
}
