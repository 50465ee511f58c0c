package schedule

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// runsByState is a schedule's runs sorted into what it does with them.
type runsByState struct {
	active, succeeded, failed []v1alpha1.ForecastRun
}

// sortRuns splits runs by phase; each part is ordered newest scheduled time
// first.
func sortRuns(runs []v1alpha1.ForecastRun) runsByState {
	var s runsByState
	for _, run := range runs {
		switch {
		case !run.Status.Phase.Finished():
			s.active = append(s.active, run)
		case run.Status.Phase == v1alpha1.PhaseSucceeded:
			s.succeeded = append(s.succeeded, run)
		default: // Failed, Rejected, Cancelled
			s.failed = append(s.failed, run)
		}
	}
	for _, part := range [][]v1alpha1.ForecastRun{s.active, s.succeeded, s.failed} {
		slices.SortFunc(part, newestFirst)
	}
	return s
}

// newestFirst orders runs by scheduled time, latest first. The annotation
// is RFC 3339 in UTC, so its text sorts as its time does.
func newestFirst(a, b v1alpha1.ForecastRun) int {
	return cmp.Or(
		cmp.Compare(scheduledAt(&b), scheduledAt(&a)),
		b.CreationTimestamp.Compare(a.CreationTimestamp.Time),
		cmp.Compare(b.Name, a.Name),
	)
}

func scheduledAt(run *v1alpha1.ForecastRun) string {
	return run.Annotations[v1alpha1.AnnotationScheduledAt]
}

// pruneHistory deletes the succeeded and failed runs beyond the schedule's
// history limits, oldest first, and returns the runs it kept.
func (r *Reconciler) pruneHistory(ctx context.Context, s *v1alpha1.ForecastSchedule, runs runsByState) (runsByState, error) {
	var err error
	keepOK := int(ptr.Deref(s.Spec.SuccessfulRunsHistoryLimit, 3))
	keepFailed := int(ptr.Deref(s.Spec.FailedRunsHistoryLimit, 1))
	if runs.succeeded, err = r.deleteBeyond(ctx, s, runs.succeeded, keepOK); err != nil {
		return runs, err
	}
	runs.failed, err = r.deleteBeyond(ctx, s, runs.failed, keepFailed)
	return runs, err
}

// deleteBeyond deletes runs[keep:] and returns runs[:keep].
func (r *Reconciler) deleteBeyond(ctx context.Context, s *v1alpha1.ForecastSchedule, runs []v1alpha1.ForecastRun, keep int) ([]v1alpha1.ForecastRun, error) {
	if len(runs) <= keep {
		return runs, nil
	}
	for i := keep; i < len(runs); i++ {
		run := &runs[i]
		err := r.Delete(ctx, run, client.PropagationPolicy("Background"), client.Preconditions{UID: &run.UID})
		if err != nil && !apierrors.IsNotFound(err) {
			return runs, fmt.Errorf("deleting old run %s: %w", run.Name, err)
		}
		r.Recorder.Eventf(s, run, "Normal", "DeletedRun", "PruneHistory",
			"deleted %s run %s: beyond the history limit of %d", run.Status.Phase, run.Name, keep)
	}
	return runs[:keep], nil
}
