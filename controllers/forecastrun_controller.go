package controllers

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

const (
	managerName    = "forecastrun"
	labelManagedBy = "app.kubernetes.io/managed-by"
	labelRun       = "forecasting.dev/run"
	// finalizer keeps a run until its Job is stopped and its lock released.
	finalizer = "forecasting.dev/release-lock"
	// conflictRetry is how soon a pass that lost an optimistic-concurrency
	// race runs again; the watch usually brings it back sooner.
	conflictRetry = 200 * time.Millisecond
)

// Config is the manager's configuration of the reconciler.
type Config struct {
	// RunnerImage is the container image of the runner Job.
	RunnerImage string
	// LeaseDuration is how long a lock Lease stays valid without renewal.
	LeaseDuration time.Duration
	// JobTTL is how long a finished Job is kept (ttlSecondsAfterFinished).
	JobTTL time.Duration
	// BackoffLimit is the number of Pod retries before a Job fails.
	BackoffLimit int32
}

// DefaultConfig is the configuration the manager's flags default to.
func DefaultConfig() Config {
	return Config{
		RunnerImage:   "ghcr.io/forecastrun/forecastrun:dev",
		LeaseDuration: 60 * time.Second,
		JobTTL:        24 * time.Hour,
		BackoffLimit:  3,
	}
}

// Reconciler drives ForecastRuns: it takes the lock, queues, de-duplicates,
// preempts, runs the runner Job and reports status.
type Reconciler struct {
	client.Client
	// APIReader reads from the API server, bypassing the cache, for the few
	// decisions that must not act on a stale view (takeover, Job creation).
	APIReader client.Reader
	Scheme    *runtime.Scheme
	Recorder  events.EventRecorder
	Clock     clock.Clock
	Config    Config
}

// Reconcile reads the run, decides and acts, then writes status once.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var run v1alpha1.ForecastRun
	if err := r.Get(ctx, req.NamespacedName, &run); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	st := newStatusUpdate(&run)
	res, err := r.reconcile(ctx, &run, st)
	if err == nil {
		err = r.writeStatus(ctx, &run, st)
	}
	if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
		log.FromContext(ctx).V(1).Info("retrying after a concurrent change", "reason", err.Error())
		return ctrl.Result{RequeueAfter: conflictRetry}, nil
	}
	return res, err
}

// reconcile routes the run to the handler of its stage.
func (r *Reconciler) reconcile(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) (ctrl.Result, error) {
	switch {
	case !run.DeletionTimestamp.IsZero():
		return ctrl.Result{}, r.finalize(ctx, run)
	case run.Status.Phase.Finished():
		return ctrl.Result{}, r.releaseAnyHold(ctx, run, "the run has finished")
	}
	if err := r.ensureFinalizer(ctx, run, st); err != nil {
		return ctrl.Result{}, err
	}
	switch {
	case run.Spec.Cancel:
		return ctrl.Result{}, r.cancel(ctx, run, st)
	case run.Status.DuplicateOf != "":
		return r.reconcileDuplicate(ctx, run, st)
	case run.Status.Phase == v1alpha1.PhaseRunning:
		return r.reconcileRunning(ctx, run, st)
	}
	return r.reconcileWaiting(ctx, run, st)
}

// ensureFinalizer adds the finalizer before the run can hold anything.
func (r *Reconciler) ensureFinalizer(ctx context.Context, run *v1alpha1.ForecastRun, st *statusUpdate) error {
	if !controllerutil.AddFinalizer(run, finalizer) {
		return nil
	}
	if err := r.Update(ctx, run); err != nil {
		return fmt.Errorf("adding finalizer: %w", err)
	}
	st.rebase(run)
	return nil
}

// finalize stops the Job and releases the lock of a run being deleted. The
// Job is deleted here rather than left to garbage collection so that it
// cannot run on after the next run has the lock.
func (r *Reconciler) finalize(ctx context.Context, run *v1alpha1.ForecastRun) error {
	if !controllerutil.ContainsFinalizer(run, finalizer) {
		return nil
	}
	if err := r.deleteJob(ctx, run); err != nil {
		return err
	}
	if err := r.releaseAnyHold(ctx, run, "the run is being deleted"); err != nil {
		return err
	}
	controllerutil.RemoveFinalizer(run, finalizer)
	if err := r.Update(ctx, run); err != nil {
		return fmt.Errorf("removing finalizer: %w", err)
	}
	return nil
}

// SetupWithManager registers the controller, its field indexes and watches.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	if err := addIndexes(context.Background(), mgr.GetFieldIndexer()); err != nil {
		return err
	}
	registerMetrics(mgr.GetClient())
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.ForecastRun{}).
		Owns(&batchv1.Job{}).
		Watches(&v1alpha1.ForecastRun{}, handler.EnqueueRequestsFromMapFunc(r.relatedToRun)).
		Watches(&coordinationv1.Lease{}, handler.EnqueueRequestsFromMapFunc(r.waitingOnLease)).
		WithOptions(opts).
		Named("forecastrun").
		Complete(r)
}
