package controllers

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// etaFromThroughput extrapolates the time left from the items done in
// elapsed. The elapsed time ends at the last progress report rather than
// now, so the estimate changes only when progress does and a pass that
// merely re-reads the run writes nothing.
func etaFromThroughput(done, total int32, elapsed time.Duration) (time.Duration, bool) {
	if done <= 0 || total <= 0 || elapsed <= 0 {
		return 0, false
	}
	left := max(total-done, 0)
	return time.Duration(float64(elapsed) * float64(left) / float64(done)), true
}

// estimateCompletion is when a running run is expected to finish: the time
// of its last report plus the time left at its throughput until then, or,
// before any report, its admission plus its estimated duration. ok is
// false when neither tells.
func estimateCompletion(run *v1alpha1.ForecastRun) (time.Time, bool) {
	admitted, p := run.Status.AdmittedAt, run.Status.Progress
	if admitted == nil {
		return time.Time{}, false
	}
	if p != nil && p.ItemsDone > 0 && p.UpdatedAt != nil {
		// Both times are stored in whole seconds; a report in the second of
		// admission still took some time.
		elapsed := max(p.UpdatedAt.Sub(admitted.Time), time.Second)
		if left, ok := etaFromThroughput(p.ItemsDone, p.ItemsTotal, elapsed); ok {
			return p.UpdatedAt.Add(left), true
		}
	}
	if d := run.Status.EstimatedDuration; d != nil {
		return admitted.Add(d.Duration), true
	}
	return time.Time{}, false
}

// formatTime renders an estimated time in messages: RFC 3339 in UTC, to
// the second.
func formatTime(t *metav1.Time) string { return t.UTC().Format(time.RFC3339) }

// expectedItems is how many items a run will forecast when the spec says;
// 0 means "every item of a dataset whose size is not known here".
func expectedItems(spec *v1alpha1.ForecastRunSpec) int32 {
	n := int32(spec.Mode.ItemCount())
	if spec.ItemLimit != nil {
		n = *spec.ItemLimit
	}
	if syn := spec.Dataset.Synthetic; syn != nil && syn.Items > 0 && (n == 0 || syn.Items < n) {
		n = syn.Items
	}
	return n
}

// throughput is the items per second of a finished run, if it tells.
func throughput(run *v1alpha1.ForecastRun) (float64, int32, bool) {
	st := run.Status
	if st.StartTime == nil || st.CompletionTime == nil || st.Progress == nil || st.Progress.ItemsTotal == 0 {
		return 0, 0, false
	}
	// Stored times are whole seconds: a run within one second took some.
	secs := max(st.CompletionTime.Sub(st.StartTime.Time).Seconds(), 1)
	return float64(st.Progress.ItemsTotal) / secs, st.Progress.ItemsTotal, true
}

// etaFromHistory estimates a run that has not started from the most recent
// Succeeded run of the same mode: its throughput times this run's items
// (or that run's items, for a Full run of unknown size).
func etaFromHistory(run *v1alpha1.ForecastRun, others []v1alpha1.ForecastRun) (time.Duration, bool) {
	var last *v1alpha1.ForecastRun
	for i := range others {
		o := &others[i]
		if o.Status.Phase != v1alpha1.PhaseSucceeded || o.Status.DuplicateOf != "" || o.Spec.Mode != run.Spec.Mode {
			continue
		}
		if _, _, ok := throughput(o); ok && (last == nil || last.Status.CompletionTime.Before(o.Status.CompletionTime)) {
			last = o
		}
	}
	if last == nil {
		return 0, false
	}
	rate, items, _ := throughput(last)
	if n := expectedItems(&run.Spec); n > 0 {
		items = n
	}
	return time.Duration(float64(items) / rate * float64(time.Second)), true
}

// historicalDuration is etaFromHistory over the Succeeded runs of the
// run's mode in its namespace, nil when there is no history to go by.
func (r *Reconciler) historicalDuration(ctx context.Context, run *v1alpha1.ForecastRun) *metav1.Duration {
	var list v1alpha1.ForecastRunList
	if err := r.List(ctx, &list, client.InNamespace(run.Namespace), client.MatchingFields{indexSucceeded: string(run.Spec.Mode)}); err != nil {
		log.FromContext(ctx).Error(err, "listing runs to estimate the duration")
		return nil
	}
	if d, ok := etaFromHistory(run, list.Items); ok {
		return &metav1.Duration{Duration: d.Round(time.Second)}
	}
	return nil
}
