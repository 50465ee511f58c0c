package schedule

import (
	"context"
	"fmt"
	"maps"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// ownedRuns lists the schedule's runs from the API server rather than the
// cache: whether a run is active decides Forbid and Replace, and a run this
// manager created a moment ago must not be missed.
func (r *Reconciler) ownedRuns(ctx context.Context, s *v1alpha1.ForecastSchedule) ([]v1alpha1.ForecastRun, error) {
	var list v1alpha1.ForecastRunList
	err := r.APIReader.List(ctx, &list, client.InNamespace(s.Namespace), client.MatchingLabels{v1alpha1.LabelSchedule: s.Name})
	if err != nil {
		return nil, fmt.Errorf("listing the runs of schedule %s: %w", s.Name, err)
	}
	owned := list.Items[:0]
	for _, run := range list.Items {
		if metav1.IsControlledBy(&run, s) {
			owned = append(owned, run)
		}
	}
	return owned, nil
}

// newRun builds the run of scheduled time at from the schedule's template.
func (r *Reconciler) newRun(s *v1alpha1.ForecastSchedule, at time.Time) (*v1alpha1.ForecastRun, error) {
	tmpl := &s.Spec.RunTemplate
	run := &v1alpha1.ForecastRun{
		ObjectMeta: metav1.ObjectMeta{
			Name:        runName(s.Name, at),
			Namespace:   s.Namespace,
			Labels:      maps.Clone(tmpl.Metadata.Labels),
			Annotations: maps.Clone(tmpl.Metadata.Annotations),
		},
		Spec: *tmpl.Spec.DeepCopy(),
	}
	if run.Labels == nil {
		run.Labels = map[string]string{}
	}
	if run.Annotations == nil {
		run.Annotations = map[string]string{}
	}
	run.Labels[v1alpha1.LabelSchedule] = s.Name
	run.Annotations[v1alpha1.AnnotationScheduledAt] = at.UTC().Format(time.RFC3339)
	run.Spec.Cancel = false
	if err := controllerutil.SetControllerReference(s, run, r.Scheme); err != nil {
		return nil, fmt.Errorf("owning run %s: %w", run.Name, err)
	}
	return run, nil
}

// createRun creates the run of scheduled time at. Its name is derived from
// that time, so a pass that repeats the work of an earlier one (after a
// conflict, a resync or a restart) finds the run there and creates nothing.
// created is false when the run already existed.
func (r *Reconciler) createRun(ctx context.Context, s *v1alpha1.ForecastSchedule, at time.Time) (name string, created bool, err error) {
	run, err := r.newRun(s, at)
	if err != nil {
		return "", false, err
	}
	err = r.Create(ctx, run)
	if apierrors.IsAlreadyExists(err) {
		return run.Name, false, r.checkOwnRun(ctx, s, run.Name)
	}
	if err != nil {
		return "", false, fmt.Errorf("creating run %s: %w", run.Name, err)
	}
	return run.Name, true, nil
}

// checkOwnRun makes sure an existing run of the scheduled name is this
// schedule's, and not someone else's run that happens to bear the name.
func (r *Reconciler) checkOwnRun(ctx context.Context, s *v1alpha1.ForecastSchedule, name string) error {
	var existing v1alpha1.ForecastRun
	if err := r.APIReader.Get(ctx, client.ObjectKey{Namespace: s.Namespace, Name: name}, &existing); err != nil {
		return fmt.Errorf("reading existing run %s: %w", name, err)
	}
	if !metav1.IsControlledBy(&existing, s) {
		return fmt.Errorf("run %s already exists and does not belong to this schedule; rename or delete it", name)
	}
	return nil
}

// cancelRuns sets spec.cancel on the given runs, for concurrencyPolicy
// Replace. The ForecastRun reconciler stops their Jobs and releases the
// lock, which admits the new run.
func (r *Reconciler) cancelRuns(ctx context.Context, s *v1alpha1.ForecastSchedule, runs []v1alpha1.ForecastRun, by string) error {
	for i := range runs {
		run := &runs[i]
		if run.Spec.Cancel {
			continue
		}
		patch := client.MergeFrom(run.DeepCopy())
		run.Spec.Cancel = true
		if err := r.Patch(ctx, run, patch); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("cancelling run %s: %w", run.Name, err)
		}
		r.Recorder.Eventf(s, run, "Normal", "ReplacedRun", "Replace", "cancelled run %s: replaced by %s (concurrencyPolicy Replace)", run.Name, by)
	}
	return nil
}
