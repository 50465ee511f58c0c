package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastschedules,verbs=get;list;watch
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastschedules/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastschedules/finalizers,verbs=update
// +kubebuilder:rbac:groups=forecasting.dev,resources=forecastruns,verbs=get;list;watch;create;patch;delete

// wakeMargin is added to each wait for the next scheduled time, so that the
// pass it wakes falls just after that time rather than just before it.
const wakeMargin = 100 * time.Millisecond

// conflictRetry is how soon a pass that lost a write race runs again.
const conflictRetry = 200 * time.Millisecond

// Reconciler creates the runs of ForecastSchedules.
type Reconciler struct {
	client.Client
	// APIReader reads schedules and their runs from the API server, not
	// the cache: a run created a moment ago must count, or a fast schedule
	// could break Forbid.
	APIReader client.Reader
	Scheme    *runtime.Scheme
	Recorder  events.EventRecorder
	Clock     Clock
}

// Reconcile reads the schedule and its runs, prunes the history, creates
// the run that is due if any, and writes status once.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var s v1alpha1.ForecastSchedule
	if err := r.APIReader.Get(ctx, req.NamespacedName, &s); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !s.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil // its runs go with it, by owner reference
	}
	orig := s.DeepCopy()
	res, err := r.reconcile(ctx, &s)
	if err == nil {
		err = r.writeStatus(ctx, orig, &s)
	}
	if apierrors.IsConflict(err) {
		return ctrl.Result{RequeueAfter: conflictRetry}, nil
	}
	return res, err
}

func (r *Reconciler) reconcile(ctx context.Context, s *v1alpha1.ForecastSchedule) (ctrl.Result, error) {
	owned, err := r.ownedRuns(ctx, s)
	if err != nil {
		return ctrl.Result{}, err
	}
	runs, err := r.pruneHistory(ctx, s, sortRuns(owned))
	if err != nil {
		return ctrl.Result{}, err
	}
	defer func() { recordRuns(s, runs) }()
	sched, err := parseSchedule(&s.Spec)
	switch {
	case err != nil:
		markInvalid(s, err)
		return ctrl.Result{}, nil // nothing to retry until the spec changes
	case s.Spec.Suspend:
		markSuspended(s)
		return ctrl.Result{}, nil
	}
	now := r.Clock.Now()
	if err := r.runDue(ctx, s, sched, now, &runs); err != nil {
		return ctrl.Result{}, err
	}
	next := sched.Next(now)
	markScheduled(s, next)
	return ctrl.Result{RequeueAfter: r.Clock.RealWait(next.Sub(now)) + wakeMargin}, nil
}

// runDue creates the run of the latest scheduled time that is due, unless
// it exists already, is past its starting deadline, or concurrencyPolicy
// Forbid holds it back. Earlier missed times are reported, not run: a
// schedule's runs read the same dataset source, so only the latest run
// would tell a planner anything new.
func (r *Reconciler) runDue(ctx context.Context, s *v1alpha1.ForecastSchedule, sched cron.Schedule, now time.Time, runs *runsByState) error {
	due, count := latestDue(sched, r.handledUntil(s), now)
	if due.IsZero() {
		return nil
	}
	name := runName(s.Name, due)
	if runs.has(name) {
		s.Status.LastScheduleTime = &metav1.Time{Time: due}
		return nil
	}
	if count > 1 {
		r.Recorder.Eventf(s, nil, "Warning", "MissedSchedules", "CatchUp",
			"%s scheduled times passed without a run (was the manager down?); creating only the latest, for %s", atLeast(count), due.UTC().Format(time.RFC3339))
	}
	if deadline := s.Spec.StartingDeadlineSeconds; deadline != nil && now.Sub(due) > time.Duration(*deadline)*time.Second {
		r.skip(s, due, "MissedStartingDeadline", "the run for %s was not created: %s late, over startingDeadlineSeconds %d",
			due.UTC().Format(time.RFC3339), now.Sub(due).Round(time.Second), *deadline)
		return nil
	}
	if len(runs.active) > 0 {
		switch s.Spec.ConcurrencyPolicy {
		case v1alpha1.ConcurrencyForbid:
			r.skip(s, due, "SkippedRun", "the run for %s was skipped: %s has not finished (concurrencyPolicy Forbid)",
				due.UTC().Format(time.RFC3339), runs.active[0].Name)
			return nil
		case v1alpha1.ConcurrencyReplace:
			if err := r.cancelRuns(ctx, s, runs.active, name); err != nil {
				return err
			}
		}
	}
	return r.startRun(ctx, s, due, runs)
}

// startRun creates the run of scheduled time due and records it.
func (r *Reconciler) startRun(ctx context.Context, s *v1alpha1.ForecastSchedule, due time.Time, runs *runsByState) error {
	name, created, err := r.createRun(ctx, s, due)
	if err != nil {
		r.Recorder.Eventf(s, nil, "Warning", "FailedCreate", "CreateRun", "%v", err)
		return err
	}
	s.Status.LastScheduleTime = &metav1.Time{Time: due}
	runs.active = append(runs.active, v1alpha1.ForecastRun{ObjectMeta: metav1.ObjectMeta{Name: name}})
	if created {
		r.Recorder.Eventf(s, nil, "Normal", "CreatedRun", "CreateRun", "created run %s for %s", name, due.UTC().Format(time.RFC3339))
	}
	return nil
}

// handledUntil is the latest scheduled time already dealt with, by a run
// or by a skip; before the first, the schedule's creation.
func (r *Reconciler) handledUntil(s *v1alpha1.ForecastSchedule) time.Time {
	after := s.CreationTimestamp.Time
	for _, t := range []*metav1.Time{s.Status.LastScheduleTime, s.Status.LastSkippedTime} {
		if t != nil && t.After(after) {
			after = t.Time
		}
	}
	return after
}

// skip records a scheduled time that got no run.
func (r *Reconciler) skip(s *v1alpha1.ForecastSchedule, due time.Time, reason, note string, args ...any) {
	s.Status.LastSkippedTime = &metav1.Time{Time: due}
	r.Recorder.Eventf(s, nil, "Warning", reason, "SkipRun", note, args...)
}

func atLeast(n int) string {
	if n >= maxCounted {
		return fmt.Sprintf("at least %d", n)
	}
	return fmt.Sprint(n)
}

// has reports whether a run of that name exists among the schedule's runs.
func (s *runsByState) has(name string) bool {
	for _, part := range [][]v1alpha1.ForecastRun{s.active, s.succeeded, s.failed} {
		for _, run := range part {
			if run.Name == name {
				return true
			}
		}
	}
	return false
}

// SetupWithManager registers the controller. A run the schedule owns wakes
// it when it appears, changes phase or goes; its progress writes, several a
// second while it runs, do not.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	phaseChanged := predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		old, cur := e.ObjectOld.(*v1alpha1.ForecastRun), e.ObjectNew.(*v1alpha1.ForecastRun)
		return old.Status.Phase != cur.Status.Phase || old.DeletionTimestamp.IsZero() != cur.DeletionTimestamp.IsZero()
	}}
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.ForecastSchedule{}).
		Owns(&v1alpha1.ForecastRun{}, builder.WithPredicates(phaseChanged)).
		WithOptions(opts).
		Named("forecastschedule").
		Complete(r)
}
