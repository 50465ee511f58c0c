package controllers

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// world is what one pass observed about a run and its surroundings; decide
// reads nothing else. Which fields are filled depends on the stage the
// observations were made for: a waiting run's queue, a running run's
// preemptor.
type world struct {
	now time.Time
	cfg Config
	// stage is the stage the observations were made for.
	stage stage

	// job is the Job named in status.jobName; nil when it does not exist.
	job *batchv1.Job
	// execution is what may still execute of the run: its Pods that have
	// not terminated and its Jobs that have not finished, from any hold.
	execution execution
	// jobPods are the Pods of job.
	jobPods []corev1.Pod
	// failedCreate is the Job controller's latest complaint that it could
	// not create job's Pods (a quota's refusal), read while none exists.
	failedCreate string
	// lock is the run's Lease and what the run may do with it.
	lock lockView
	// queue is where a waiting run stands among the runs of its lock.
	queue queueView
	// outputClaim is a sharded run's output claim; nil when the run is not
	// sharded or the claim does not exist (yet).
	outputClaim *corev1.PersistentVolumeClaim
	// primary is, for a waiting run, the identical run it should join, and
	// for a duplicate the run it follows; nil when there is none.
	primary *v1alpha1.ForecastRun
	// preemptor is the Urgent run a running run must yield to.
	preemptor *v1alpha1.ForecastRun
	// childConflict describes a child the running run is about to create
	// that exists and is someone else's; "" when there is none.
	childConflict string
	// jobRefusal is why the API server would refuse the runner Job the
	// run is about to create (a server-side dry run); empty when it would
	// accept it.
	jobRefusal refusal
	// historicalDuration is how long the run is expected to execute, from
	// the last Succeeded run of its mode; nil when unknown or not needed.
	historicalDuration *metav1.Duration
	// dataVersion is the version of a waiting run's data as the controller
	// knows it (reuse.go), read when the run is admitted or looks for a
	// result to reuse; "" when unknown.
	dataVersion string
	// reusable is the Succeeded run whose result a new run with spec.reuse
	// may take; nil when there is none.
	reusable *v1alpha1.ForecastRun
	// reuseCandidates tells the runner of a run with spec.reuse whose data
	// only it can know which earlier results it may take, by the digest of
	// their data (reuse.go); "" when there are none.
	reuseCandidates string
	// reuseSource is the run whose result the runner chose to take.
	reuseSource *v1alpha1.ForecastRun
	// recordsDataVersion says this pass records a new run's data version.
	recordsDataVersion bool
}

// lockView is the run's Lease as one pass read it and what it means for the
// run.
type lockView struct {
	lease *coordinationv1.Lease
	lockDecision
	// holder is what is known about another run holding the lock.
	holder holderFacts
}

// heldAsRecorded reports whether run holds the Lease under the fencing
// token its status records: the hold the record describes.
func (l lockView) heldAsRecorded(run *v1alpha1.ForecastRun) bool {
	return l.state == lockMine && fencingToken(l.lease, run.UID) == run.Status.FencingToken
}

// heldUnrecorded reports whether run holds the Lease under a token its
// status does not record yet: a pass acquired it and has not recorded it.
func (l lockView) heldUnrecorded(run *v1alpha1.ForecastRun) bool {
	return l.state == lockMine && fencingToken(l.lease, run.UID) != run.Status.FencingToken
}

// takeable reports whether the lock may be acquired: nobody holds it, or
// its holder is gone, finished or silent.
func (l lockView) takeable() bool { return l.state == lockFree || l.state == lockStale }

// stillExecuting reports whether anything of the run may still run: its
// Job has not finished (a Job being deleted in the foreground counts until
// its Pods are gone), or one of its Pods has not terminated.
func (w *world) stillExecuting() bool { return jobUnfinished(w.job) || w.execution.executing() }

// queueView is a waiting run's place in its lock's queue.
type queueView struct {
	// position is the run's 1-based place, length the number of runs
	// waiting (the run included), first the name of the run at the head.
	position int32
	length   int
	first    string
	// holder describes who holds the lock; nil when it is free.
	holder *v1alpha1.LockHolder
}

// head reports whether the run is first in its queue.
func (q queueView) head() bool { return q.position == 1 }

// observe reads what decide needs for the run's stage.
func (r *Reconciler) observe(ctx context.Context, run *v1alpha1.ForecastRun) (*world, error) {
	w := &world{now: r.Clock.Now(), cfg: r.Config, stage: stageOf(run)}
	var err error
	switch w.stage {
	case stageDuplicate:
		w.primary, err = r.observePrimary(ctx, run)
	case stageEnding:
		err = r.observeHoldings(ctx, run, w)
	case stageRunning:
		err = r.observeRunning(ctx, run, w)
	default:
		err = r.observeWaiting(ctx, run, w)
	}
	return w, err
}

// observeHoldings reads what the run may still hold: its Job, its Pods and
// its Lease.
func (r *Reconciler) observeHoldings(ctx context.Context, run *v1alpha1.ForecastRun, w *world) error {
	var err error
	if w.job, err = getJob(ctx, r.Client, run); err != nil {
		return err
	}
	var pods []corev1.Pod
	if w.execution, pods, err = executionOf(ctx, r.Client, run.Namespace, run.UID); err != nil {
		return err
	}
	if w.job != nil {
		w.jobPods = podsOfJob(pods, w.job)
	}
	w.lock, err = r.readOwnLock(ctx, run, false)
	return err
}

// observeRunning reads a running run's Job and lock, and who might preempt
// it. The lock is confirmed on a fresh read from the API server when the
// cache does not show the recorded hold (the cache may lag an acquisition)
// and before a Job is created (the cache may show a hold that has ended).
func (r *Reconciler) observeRunning(ctx context.Context, run *v1alpha1.ForecastRun, w *world) error {
	err := r.observeHoldings(ctx, run, w)
	if err != nil {
		return err
	}
	if w.job == nil && jobSeen(run) {
		// A Job is failed as deleted only on the API server's word.
		if w.job, err = getJob(ctx, r.APIReader, run); err != nil {
			return err
		}
	}
	if !w.lock.heldAsRecorded(run) || w.job == nil {
		if w.lock, err = r.readOwnLock(ctx, run, true); err != nil {
			return err
		}
	}
	if w.job == nil {
		return r.observeJobCreation(ctx, run, w)
	}
	return r.observeExecution(ctx, run, w)
}

// observeJobCreation reads, for a running run whose Job is to be created,
// whether one of its children is someone else's and whether the API server
// would accept the Job.
func (r *Reconciler) observeJobCreation(ctx context.Context, run *v1alpha1.ForecastRun, w *world) error {
	if !w.lock.heldAsRecorded(run) || jobSeen(run) {
		return nil
	}
	var err error
	if w.childConflict, err = r.childConflict(ctx, run); err == nil && w.childConflict == "" {
		w.jobRefusal = r.tryJob(ctx, run)
	}
	if err == nil {
		w.reuseCandidates, err = r.digestCandidates(ctx, run, w.now)
	}
	return err
}

// observeExecution reads what a running run's Job needs watching for: why
// it has no Pods yet, an Urgent run to yield to, and the history that
// estimates its duration.
func (r *Reconciler) observeExecution(ctx context.Context, run *v1alpha1.ForecastRun, w *world) error {
	var err error
	if w.reuseSource, err = r.reuseSourceOf(ctx, run); err != nil {
		return err
	}
	if len(w.jobPods) == 0 && !podsStarted(run) {
		if w.failedCreate, err = failedCreate(ctx, r.APIReader, w.job); err != nil {
			return err
		}
	}
	if w.preemptor, err = r.preemptor(ctx, run); err != nil {
		return err
	}
	if run.Status.EstimatedDuration == nil {
		w.historicalDuration = r.historicalDuration(ctx, run)
	}
	return nil
}

// observeWaiting reads a waiting run's lock, queue and identical runs.
func (r *Reconciler) observeWaiting(ctx context.Context, run *v1alpha1.ForecastRun, w *world) error {
	var err error
	if w.lock, err = r.inspectLock(ctx, run); err != nil {
		return err
	}
	if err = r.observeReuse(ctx, run, w); err != nil {
		return err
	}
	if w.job, err = getJob(ctx, r.Client, run); err != nil {
		return err
	}
	if w.execution, _, err = executionOf(ctx, r.Client, run.Namespace, run.UID); err != nil || w.lock.state == lockMine {
		return err
	}
	if w.primary, err = r.findPrimary(ctx, run); err != nil {
		return err
	}
	if w.outputClaim, err = r.shardedOutputClaim(ctx, run); err != nil {
		return err
	}
	if w.queue, err = r.observeQueue(ctx, run, w.lock); err != nil {
		return err
	}
	if run.Status.EstimatedDuration == nil {
		w.historicalDuration = r.historicalDuration(ctx, run)
	}
	return nil
}

// shardedOutputClaim reads the output claim of a sharded run.
func (r *Reconciler) shardedOutputClaim(ctx context.Context, run *v1alpha1.ForecastRun) (*corev1.PersistentVolumeClaim, error) {
	if run.Spec.Parallelism <= 1 || run.Spec.Output == nil || run.Spec.Output.PersistentVolumeClaim == nil {
		return nil, nil
	}
	var pvc corev1.PersistentVolumeClaim
	err := r.APIReader.Get(ctx, keyOf(run.Namespace, run.Spec.Output.PersistentVolumeClaim.ClaimName), &pvc)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading output claim %s: %w", run.Spec.Output.PersistentVolumeClaim.ClaimName, err)
	}
	return &pvc, nil
}

// observeQueue places run in the queue of its lock. The place comes from
// the queue index; where a decision acts on it (the head taking a free
// lock, a whenBusy=Reject run refusing itself while the lock is free) it is
// confirmed on the cache itself, which the index may trail by a few events.
func (r *Reconciler) observeQueue(ctx context.Context, run *v1alpha1.ForecastRun, lock lockView) (queueView, error) {
	q := queueView{holder: r.describeHolder(ctx, run.Namespace, lock.lease)}
	q.position, q.length, q.first = r.queues.place(run)
	if !lock.takeable() || (q.position != 1 && run.Spec.WhenBusy != v1alpha1.BusyReject) {
		return q, nil
	}
	queue, err := r.queueOf(ctx, run)
	if err != nil {
		return queueView{}, err
	}
	q.position, q.length, q.first = position(queue, run.Name), len(queue), queue[0].Name
	return q, nil
}

// observePrimary reads the run a duplicate follows; nil when it is gone.
func (r *Reconciler) observePrimary(ctx context.Context, run *v1alpha1.ForecastRun) (*v1alpha1.ForecastRun, error) {
	var primary v1alpha1.ForecastRun
	err := r.Get(ctx, keyOf(run.Namespace, run.Status.DuplicateOf), &primary)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading primary %s: %w", run.Status.DuplicateOf, err)
	}
	if uid := run.Status.DuplicateOfUID; uid != "" && primary.UID != uid {
		return nil, nil // deleted and created again under the name: another run
	}
	return &primary, nil
}
