package controllers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// The lock is a coordination.k8s.io/v1 Lease named spec.lockName in the
// run's namespace. It is shared by every run of that lock, so it has no
// owner: it outlives runs and keeps counting transitions. Every write is an
// Update carrying the resourceVersion that was read, so of two reconcilers
// racing for it exactly one wins and the other gets a conflict.
//
// Only Leases the operator created are used: they carry the label
// app.kubernetes.io/managed-by=forecastrun. A lockName that names another
// application's Lease (its leader election, say) is refused rather than
// taken over, and the manager's cache holds only the operator's Leases.

// holderID is how a run names itself in holderIdentity: "<name>/<uid>".
// The UID tells a run apart from a later run of the same name.
func holderID(run *v1alpha1.ForecastRun) string {
	return run.Name + "/" + string(run.UID)
}

// parseHolder splits a holderIdentity written by holderID. ok is false for
// holders that are not ForecastRuns (a person or another tool may hold the
// lock, with an identity such as "ops/maintenance"); those are respected
// until the Lease expires. Run UIDs are UUIDs, which tells them apart.
func parseHolder(id string) (name string, uid types.UID, ok bool) {
	name, u, found := strings.Cut(id, "/")
	if !found || name == "" || uuid.Validate(u) != nil {
		return "", "", false
	}
	return name, types.UID(u), true
}

// ownedLease reports whether the operator created lease.
func ownedLease(lease *coordinationv1.Lease) bool {
	return lease.Labels[labelManagedBy] == managerName
}

// fencingToken is "<lease UID>/<leaseTransitions>/<run UID>": it changes
// with every acquisition, so a runner from an earlier hold carries another
// token. The transitions alone would repeat when the Lease is deleted and
// created again (they restart at 0); its UID does not.
func fencingToken(lease *coordinationv1.Lease, uid types.UID) string {
	return fmt.Sprintf("%s/%d/%s", lease.UID, ptr.Deref(lease.Spec.LeaseTransitions, 0), uid)
}

func leaseHolder(lease *coordinationv1.Lease) string {
	if lease == nil {
		return ""
	}
	return ptr.Deref(lease.Spec.HolderIdentity, "")
}

// lockState is what a run may do with its lock.
type lockState int

const (
	lockFree    lockState = iota // nobody holds it
	lockMine                     // this run holds it
	lockHeld                     // a live holder has it
	lockStale                    // the holder is gone, finished or silent: take it over
	lockForeign                  // the Lease is not the operator's: never use it
)

// holderFacts is what the controller knows about the Lease's holder.
type holderFacts struct {
	isRun    bool // holderIdentity names a ForecastRun
	found    bool // that run exists with that UID
	finished bool // and has reached a final phase
	// execution is what may still execute of the holder, found or not.
	execution
}

// lockDecision is the outcome of decideLock, with a reason for people.
type lockDecision struct {
	state  lockState
	reason string
}

// decideLock is the pure core of the lock: given the Lease, what is known
// about its holder and the time, may self take the lock? A Lease is never
// taken from a run whose Job or Pods may still execute, however silent the
// Lease and whether or not the run still exists: a restarted manager
// re-adopts a running holder instead of starting a second execution beside
// it, and a stopped holder keeps the lock until its Pods have terminated.
func decideLock(lease *coordinationv1.Lease, selfID string, h holderFacts, now time.Time) lockDecision {
	holder := leaseHolder(lease)
	switch {
	case lease != nil && !ownedLease(lease):
		return lockDecision{lockForeign, fmt.Sprintf("lease %s exists and was not created by the forecastrun operator (it lacks the label %s=%s)", lease.Name, labelManagedBy, managerName)}
	case holder == "":
		return lockDecision{state: lockFree}
	case holder == selfID:
		return lockDecision{state: lockMine}
	case h.isRun && h.executing():
		return lockDecision{state: lockHeld}
	case h.isRun && !h.found:
		return lockDecision{lockStale, fmt.Sprintf("holder %s no longer exists", holder)}
	case h.isRun && h.finished:
		return lockDecision{lockStale, fmt.Sprintf("holder %s has finished", holder)}
	case leaseExpired(lease, now):
		return lockDecision{lockStale, fmt.Sprintf("holder %s has not renewed the lease for %ds", holder, ptr.Deref(lease.Spec.LeaseDurationSeconds, 0))}
	}
	return lockDecision{state: lockHeld}
}

// leaseExpired reports whether the Lease went unrenewed for its duration.
func leaseExpired(lease *coordinationv1.Lease, now time.Time) bool {
	if lease.Spec.RenewTime == nil {
		return true
	}
	d := time.Duration(ptr.Deref(lease.Spec.LeaseDurationSeconds, 0)) * time.Second
	return !now.Before(lease.Spec.RenewTime.Add(d))
}

// leaseExpiresIn is how long until an unrenewed Lease counts as stale.
func leaseExpiresIn(lease *coordinationv1.Lease, now time.Time) time.Duration {
	if lease == nil || lease.Spec.RenewTime == nil {
		return 0
	}
	d := time.Duration(ptr.Deref(lease.Spec.LeaseDurationSeconds, 0)) * time.Second
	return lease.Spec.RenewTime.Add(d).Sub(now)
}

// getLease reads the run's Lease through reader; nil when it does not exist.
func getLease(ctx context.Context, reader client.Reader, run *v1alpha1.ForecastRun) (*coordinationv1.Lease, error) {
	var lease coordinationv1.Lease
	err := reader.Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: run.Spec.LockName}, &lease)
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading lease %s: %w", run.Spec.LockName, err)
	}
	return &lease, nil
}

// inspectLock decides what a waiting run may do with its lock. Taking the
// lock is only decided on fresh reads from the API server: a cache that
// has not yet seen a new holder run must not make that run look gone, and
// the cache holds only the operator's Leases, so a free lock might be
// another application's Lease.
func (r *Reconciler) inspectLock(ctx context.Context, run *v1alpha1.ForecastRun) (lockView, error) {
	l, err := r.inspectLockWith(ctx, r.Client, run)
	if err != nil || !l.takeable() {
		return l, err
	}
	return r.inspectLockWith(ctx, r.APIReader, run)
}

func (r *Reconciler) inspectLockWith(ctx context.Context, reader client.Reader, run *v1alpha1.ForecastRun) (lockView, error) {
	lease, err := getLease(ctx, reader, run)
	if err != nil {
		return lockView{}, err
	}
	var facts holderFacts
	if holder := leaseHolder(lease); holder != holderID(run) {
		if facts, err = r.factsAbout(ctx, reader, run.Namespace, holder); err != nil {
			return lockView{}, err
		}
	}
	return lockView{lease, decideLock(lease, holderID(run), facts, r.Clock.Now()), facts}, nil
}

// readOwnLock reads the run's Lease to learn whether the run holds it, from
// the cache or, when fresh, from the API server. Who else holds it is not
// looked into: a running or ending run only cares about its own hold.
func (r *Reconciler) readOwnLock(ctx context.Context, run *v1alpha1.ForecastRun, fresh bool) (lockView, error) {
	reader := client.Reader(r.Client)
	if fresh {
		reader = r.APIReader
	}
	lease, err := getLease(ctx, reader, run)
	if err != nil {
		return lockView{}, err
	}
	return lockView{lease: lease, lockDecision: decideLock(lease, holderID(run), holderFacts{}, r.Clock.Now())}, nil
}

// factsAbout looks up the holder run and what of it may still execute.
func (r *Reconciler) factsAbout(ctx context.Context, reader client.Reader, ns, holder string) (holderFacts, error) {
	name, uid, ok := parseHolder(holder)
	if !ok {
		return holderFacts{}, nil
	}
	facts := holderFacts{isRun: true}
	var err error
	if facts.execution, _, err = executionOf(ctx, reader, ns, uid); err != nil {
		return holderFacts{}, err
	}
	var hr v1alpha1.ForecastRun
	err = reader.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &hr)
	if apierrors.IsNotFound(err) || (err == nil && hr.UID != uid) {
		return facts, nil
	}
	if err != nil {
		return holderFacts{}, fmt.Errorf("reading lock holder %s: %w", name, err)
	}
	facts.found, facts.finished = true, hr.Status.Phase.Finished()
	if facts.unfinishedJob == "" {
		// A Job made before Jobs carried their run's UID.
		job, err := getJob(ctx, reader, &hr)
		if err != nil {
			return holderFacts{}, err
		}
		if jobUnfinished(job) {
			facts.unfinishedJob = job.Name
		}
	}
	return facts, nil
}

// acquireLock makes run the Lease's holder, creating the Lease when it does
// not exist yet. It returns the Lease as written.
func (r *Reconciler) acquireLock(ctx context.Context, run *v1alpha1.ForecastRun, lease *coordinationv1.Lease) (*coordinationv1.Lease, error) {
	now := metav1.NewMicroTime(r.Clock.Now())
	if lease == nil {
		return r.createLease(ctx, run, now)
	}
	lease = lease.DeepCopy()
	lease.Spec.HolderIdentity = ptr.To(holderID(run))
	lease.Spec.LeaseTransitions = ptr.To(ptr.Deref(lease.Spec.LeaseTransitions, 0) + 1)
	lease.Spec.AcquireTime, lease.Spec.RenewTime = &now, &now
	lease.Spec.LeaseDurationSeconds = ptr.To(r.leaseSeconds())
	if err := r.Update(ctx, lease); err != nil {
		return nil, fmt.Errorf("acquiring lease %s: %w", lease.Name, err)
	}
	return lease, nil
}

func (r *Reconciler) createLease(ctx context.Context, run *v1alpha1.ForecastRun, now metav1.MicroTime) (*coordinationv1.Lease, error) {
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{
			Name: run.Spec.LockName, Namespace: run.Namespace,
			Labels: map[string]string{labelManagedBy: managerName},
		},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity:       ptr.To(holderID(run)),
			LeaseDurationSeconds: ptr.To(r.leaseSeconds()),
			AcquireTime:          &now,
			RenewTime:            &now,
			LeaseTransitions:     ptr.To[int32](0),
		},
	}
	if err := r.Create(ctx, lease); err != nil {
		return nil, fmt.Errorf("creating lease %s: %w", lease.Name, err)
	}
	return lease, nil
}

// renewDue reports whether a held Lease should be renewed: once a third of
// the duration has passed, so that it is written about three times per
// duration and not on every pass, or when the configured duration changed.
func renewDue(lease *coordinationv1.Lease, cfg Config, now time.Time) bool {
	return lease != nil && (lease.Spec.RenewTime == nil || now.Sub(lease.Spec.RenewTime.Time) >= cfg.LeaseDuration/3 ||
		ptr.Deref(lease.Spec.LeaseDurationSeconds, 0) != cfg.leaseSeconds())
}

// renewLock refreshes the Lease's renewTime.
func (r *Reconciler) renewLock(ctx context.Context, lease *coordinationv1.Lease) error {
	now := r.Clock.Now()
	lease = lease.DeepCopy()
	lease.Spec.RenewTime = &metav1.MicroTime{Time: now}
	lease.Spec.LeaseDurationSeconds = ptr.To(r.leaseSeconds())
	if err := r.Update(ctx, lease); err != nil {
		return fmt.Errorf("renewing lease %s: %w", lease.Name, err)
	}
	return nil
}

// releaseLock clears the holder when run holds the Lease, under token
// when one is given: a run back in the queue releases the hold its status
// records and never a newer one, while a finished or deleted run releases
// any hold of its own, since no newer hold of it can legitimately exist.
// The first attempt reads the cache; a conflict retries with fresh reads,
// because a release must not be lost.
func (r *Reconciler) releaseLock(ctx context.Context, run *v1alpha1.ForecastRun, token, why string) error {
	reader := client.Reader(r.Client)
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		lease, err := getLease(ctx, reader, run)
		reader = r.APIReader
		if err != nil || leaseHolder(lease) != holderID(run) || (token != "" && fencingToken(lease, run.UID) != token) {
			return err
		}
		lease.Spec.HolderIdentity = nil
		lease.Spec.AcquireTime, lease.Spec.RenewTime = nil, nil
		if err := r.Update(ctx, lease); err != nil {
			return fmt.Errorf("releasing lease %s: %w", lease.Name, err)
		}
		log.FromContext(ctx).Info("released lock", "lock", lease.Name, "why", why)
		return nil
	})
}

func (r *Reconciler) leaseSeconds() int32 { return r.Config.leaseSeconds() }

// leaseSeconds is the Lease duration in whole seconds, at least one.
func (c Config) leaseSeconds() int32 {
	return int32(max(c.LeaseDuration/time.Second, 1))
}
