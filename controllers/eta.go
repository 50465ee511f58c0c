package controllers

import (
	"context"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

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

// throughput is the items per second of a finished run, if it tells. of a finished run, if it tells.
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
