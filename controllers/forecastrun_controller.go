package controllers

import (
	"context"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

const (
	managerName    = "forecastrun"
	labelManagedBy = "app.kubernetes.io/managed-by"
	labelRun       = "forecasting.dev/run"
	// labelRunUID tells a run's Jobs and Pods apart from those of an
	// earlier run of the same name, and finds them after the run is gone.
	labelRunUID = "forecasting.dev/run-uid"
	// finalizer keeps a run that holds its lock until its Job and Pods are
	// stopped and the lock released. A run gets it just before it takes the
	// lock and loses it once it has finished and released everything, so
	// a stopped operator never keeps a namespace from being deleted.
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
	// JobTTL is how long a finished Job is kept after its run recorded the
	// end; the controller deletes it then. Jobs carry no
	// ttlSecondsAfterFinished, which could remove them before.
	JobTTL time.Duration
	// BackoffLimit is the number of retries of a failed runner Pod before
	// its Job fails: of the one Pod, or of each shard of a sharded run.
	// Pods disrupted by a drain, a preemption or an eviction do not count.
	BackoffLimit int32
	// DefaultStartupTimeout is the startup timeout of runs that do not set
	// spec.startupTimeout; 0 turns it off for them.
	DefaultStartupTimeout time.Duration
	// DefaultProgressDeadline is the progress deadline of runs that do not
	// set spec.progressDeadline; 0 turns it off for them.
	DefaultProgressDeadline time.Duration
	// DatasetAllowedHosts lists the hosts (names, *.domain wildcards,
	// address ranges) that URL datasets may be downloaded from on private
	// addresses, in the form runner/source/egress.Parse reads; the runner
	// refuses private addresses elsewhere, and loopback, link-local and
	// cloud metadata addresses always.
	DatasetAllowedHosts string
	// DefaultTTLAfterFinished is how long finished runs that do not set
	// spec.ttlSecondsAfterFinished are kept before they are deleted; 0
	// keeps them.
	DefaultTTLAfterFinished time.Duration
}

// DefaultConfig is the configuration the manager's flags default to.
func DefaultConfig() Config {
	return Config{
		RunnerImage:   "ghcr.io/forecastrun/forecastrun:dev",
		LeaseDuration: 60 * time.Second,
		JobTTL:        24 * time.Hour,
		BackoffLimit:  3,
		// Ten minutes covers a large image pulled over a slow link and a
		// cluster autoscaler adding a node (typically 2 to 5 minutes).
		DefaultStartupTimeout: 10 * time.Minute,
		// Runners report at least every whole percent; thirty minutes
		// without one is far beyond the slowest item of a tournament.
		DefaultProgressDeadline: 30 * time.Minute,
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

	// queues is the waiting runs of every lock in order, kept by the watch.
	queues *queueIndex
}

// Reconcile is one pass: read the run, observe its world, decide, record
// the decision, then act on it. The order is fixed here rather than left to
// each transition, so no transition can act before its record is written.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var run v1alpha1.ForecastRun
	if err := r.Get(ctx, req.NamespacedName, &run); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	w, err := r.observe(ctx, &run)
	if err != nil {
		return ctrl.Result{}, err
	}
	d := decide(&run, w)
	err = r.record(ctx, &run, d)
	if err == nil {
		err = r.act(ctx, d.run, w, d.actions)
	}
	if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
		log.FromContext(ctx).V(1).Info("retrying after a concurrent change", "reason", err.Error())
		return ctrl.Result{RequeueAfter: conflictRetry}, nil
	}
	return ctrl.Result{RequeueAfter: d.requeue}, err
}

// SetupWithManager registers the controller, its field indexes and watches.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager, opts controller.Options) error {
	if err := addIndexes(context.Background(), mgr.GetFieldIndexer()); err != nil {
		return err
	}
	registerMetrics(mgr.GetClient())
	r.queues = newQueueIndex()
	return ctrl.NewControllerManagedBy(mgr).
		For(&v1alpha1.ForecastRun{}).
		Owns(&batchv1.Job{}).
		Watches(&corev1.Pod{}, handler.EnqueueRequestsFromMapFunc(runOfPod)).
		Watches(&v1alpha1.ForecastRun{}, r.runChanges()).
		Watches(&coordinationv1.Lease{}, r.leaseChanges()).
		WithOptions(opts).
		Named("forecastrun").
		Complete(r)
}
