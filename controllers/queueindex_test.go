package controllers

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// queuedRun is a waiting run created age before a fixed time.
func queuedRun(name string, p v1alpha1.Priority, age time.Duration) *v1alpha1.ForecastRun {
	r := testutil.MakeForecastRun(name, "ns").Priority(p).LockName("forecast-pipeline").Obj()
	r.CreationTimestamp = metav1.NewTime(time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC).Add(-age))
	r.Status.Phase = v1alpha1.PhaseQueued
	return r
}

func wokenNames(reqs []types.NamespacedName) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

// TestQueueIndexWakesOnlyTheRunsItMoves: a change wakes the runs whose
// place it moved, nobody for a change that moves no one, and the running
// runs of the lock for an Urgent arrival. place agrees with orderQueue.
func TestQueueIndexWakesOnlyTheRunsItMoves(t *testing.T) {
	ix := newQueueIndex()
	runs := map[string]*v1alpha1.ForecastRun{
		"a": queuedRun("a", "", 3*time.Hour), "b": queuedRun("b", "", 2*time.Hour), "c": queuedRun("c", "", time.Hour),
		"d": queuedRun("d", "", 0), "h": queuedRun("h", v1alpha1.PriorityHigh, 0), "u": queuedRun("u", v1alpha1.PriorityUrgent, 0),
	}
	holder := queuedRun("holder", "", 4*time.Hour)
	holder.Status.Phase = v1alpha1.PhaseRunning
	for _, r := range []*v1alpha1.ForecastRun{holder, runs["a"], runs["b"], runs["c"]} {
		ix.observe(nil, r)
	}
	rewritten := runs["c"].DeepCopy()
	rewritten.Status.Message = "position 3"
	steps := []struct {
		name       string
		old, new   *v1alpha1.ForecastRun
		wantWoken  []string
		wantPlaces map[string]int32
	}{
		{"a late arrival moves nobody", nil, runs["d"], nil, map[string]int32{"a": 1, "d": 4}},
		{"a status write that keeps the place moves nobody", runs["c"], rewritten, nil, map[string]int32{"c": 3}},
		{"a High arrival moves those behind it", nil, runs["h"], []string{"a", "b", "c", "d"}, map[string]int32{"h": 1, "a": 2}},
		{"the head leaving moves the rest up", runs["h"], nil, []string{"a", "b", "c", "d"}, map[string]int32{"a": 1, "d": 4}},
		{"an Urgent arrival wakes the running run too", nil, runs["u"], []string{"a", "b", "c", "d", "holder"}, map[string]int32{"u": 1, "a": 2}},
		{"a run in the middle leaving moves those behind", runs["b"], nil, []string{"c", "d"}, map[string]int32{"c": 3, "d": 4}},
	}
	for _, s := range steps {
		if diff := cmp.Diff(s.wantWoken, wokenNames(ix.observe(s.old, s.new))); diff != "" {
			t.Errorf("%s: woken (-want +got):\n%s", s.name, diff)
		}
		for name, want := range s.wantPlaces {
			if got, _, _ := ix.place(runs[name]); got != want {
				t.Errorf("%s: place of %s = %d, want %d", s.name, name, got, want)
			}
		}
	}
	if got := ix.urgentHead("ns", "forecast-pipeline"); got != "u" {
		t.Errorf("urgentHead = %q, want u", got)
	}
	// A run not (yet) in the queue is placed where it would join.
	late := queuedRun("late", "", -time.Hour)
	late.Status.Phase = v1alpha1.PhasePending
	if pos, length, first := ix.place(late); pos != 5 || length != 5 || first != "u" {
		t.Errorf("place of a newcomer = %d of %d behind %s, want 5 of 5 behind u", pos, length, first)
	}
}
