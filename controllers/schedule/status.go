package schedule

import (
	"context"
	"fmt"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// recordRuns sets the status fields that describe the schedule's runs.
func recordRuns(s *v1alpha1.ForecastSchedule, runs runsByState) {
	s.Status.Active = nil
	for _, run := range runs.active {
		s.Status.Active = append(s.Status.Active, run.Name)
	}
	slices.Sort(s.Status.Active)
	for _, run := range runs.succeeded {
		done := run.Status.CompletionTime
		if done != nil && (s.Status.LastSuccessfulTime == nil || done.After(s.Status.LastSuccessfulTime.Time)) {
			s.Status.LastSuccessfulTime = done.DeepCopy()
		}
	}
}

// markScheduled: the schedule is valid and its next run is due at next.
func markScheduled(s *v1alpha1.ForecastSchedule, next time.Time) {
	s.Status.NextScheduleTime = &metav1.Time{Time: next}
	setConditions(s, metav1.ConditionTrue, v1alpha1.ReasonScheduled,
		fmt.Sprintf("next run at %s", next.UTC().Format(time.RFC3339)))
}

// markSuspended: healthy, but creating nothing until spec.suspend is false.
func markSuspended(s *v1alpha1.ForecastSchedule) {
	s.Status.NextScheduleTime = nil
	setConditions(s, metav1.ConditionTrue, v1alpha1.ReasonSuspended, "suspended: no new runs are created until spec.suspend is false")
}

// markInvalid: the schedule cannot be read, and will not be until its spec
// changes, which is what Stalled means to kstatus (and so to Flux).
func markInvalid(s *v1alpha1.ForecastSchedule, err error) {
	s.Status.NextScheduleTime = nil
	setConditions(s, metav1.ConditionFalse, v1alpha1.ReasonInvalidSchedule, err.Error())
}

// setConditions sets Ready as given, Stalled as its opposite when the
// schedule is invalid, and Reconciling False: a schedule has no rollout to
// wait for, it is either working or stuck.
func setConditions(s *v1alpha1.ForecastSchedule, ready metav1.ConditionStatus, reason, msg string) {
	stalled := metav1.ConditionFalse
	if ready == metav1.ConditionFalse {
		stalled = metav1.ConditionTrue
	}
	for _, c := range []metav1.Condition{
		{Type: v1alpha1.ConditionReady, Status: ready, Reason: reason, Message: msg},
		{Type: v1alpha1.ConditionStalled, Status: stalled, Reason: reason, Message: msg},
		{Type: v1alpha1.ConditionReconciling, Status: metav1.ConditionFalse, Reason: reason, Message: msg},
	} {
		c.ObservedGeneration = s.Generation
		meta.SetStatusCondition(&s.Status.Conditions, c)
	}
	s.Status.ObservedGeneration = s.Generation
}

// writeStatus writes the status when the pass changed it, guarded by the
// resourceVersion the pass read.
func (r *Reconciler) writeStatus(ctx context.Context, orig, s *v1alpha1.ForecastSchedule) error {
	if equality.Semantic.DeepEqual(orig.Status, s.Status) {
		return nil
	}
	patch := client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{})
	if err := r.Status().Patch(ctx, s, patch); err != nil {
		return fmt.Errorf("writing status of schedule %s: %w", s.Name, err)
	}
	return nil
}
