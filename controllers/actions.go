package controllers

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// actionKind names what an action does to the world.
type actionKind string

const (
	actAddFinalizer    actionKind = "AddFinalizer"
	actAcquireLock     actionKind = "AcquireLock"
	actRenewLock       actionKind = "RenewLock"
	actReleaseLock     actionKind = "ReleaseLock"
	actCreateJob       actionKind = "CreateJob"
	actDeleteJob       actionKind = "DeleteJob"
	actRemoveFinalizer actionKind = "RemoveFinalizer"
	actDeleteRun       actionKind = "DeleteRun"
)

// action is one change to the world that a decision calls for, carried out
// after the decision's status is recorded.
type action struct {
	kind actionKind
	// job names the Job to create or delete.
	job string
	// token limits a release to the hold with this fencing token; empty
	// releases any hold of the run.
	token string
	// why says, for the log, why the action is taken.
	why string
}

// act carries out the actions in order and stops at the first failure; the
// next pass decides again what is left to do.
func (r *Reconciler) act(ctx context.Context, run *v1alpha1.ForecastRun, w *world, acts []action) error {
	for _, a := range acts {
		if err := r.actOne(ctx, run, w, a); err != nil {
			return err
		}
	}
	return nil
}

func (r *Reconciler) actOne(ctx context.Context, run *v1alpha1.ForecastRun, w *world, a action) error {
	switch a.kind {
	case actAddFinalizer:
		return r.patchFinalizer(ctx, run, controllerutil.AddFinalizer)
	case actRemoveFinalizer:
		return r.patchFinalizer(ctx, run, controllerutil.RemoveFinalizer)
	case actAcquireLock:
		return r.acquire(ctx, run, w)
	case actRenewLock:
		return r.renewLock(ctx, w.lock.lease)
	case actReleaseLock:
		return r.releaseLock(ctx, run, a.token, a.why)
	case actCreateJob:
		// The hold was confirmed on a fresh read, but a Lease that had
		// gone unrenewed for its duration may be taken by another manager
		// in the moment before the Job is created: renewing it, on the
		// version read, first makes sure it is still this run's.
		if err := r.renewLock(ctx, w.lock.lease); err != nil {
			return fmt.Errorf("confirming the hold before creating the Job: %w", err)
		}
		return r.createRunnerJob(ctx, run, w.reuseCandidates)
	case actDeleteJob:
		return r.deleteJob(ctx, run.Namespace, a.job)
	case actDeleteRun:
		return r.deleteRun(ctx, run)
	}
	return fmt.Errorf("unknown action %q", a.kind)
}

// patchFinalizer adds or removes the run's finalizer with a patch that
// carries the resourceVersion read, so it never resurrects an older view.
func (r *Reconciler) patchFinalizer(ctx context.Context, run *v1alpha1.ForecastRun, change func(client.Object, string) bool) error {
	orig := run.DeepCopy()
	if !change(run, finalizer) {
		return nil
	}
	if err := r.Patch(ctx, run, client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{})); err != nil {
		return fmt.Errorf("updating the finalizer of %s: %w", run.Name, err)
	}
	return nil
}

// acquire takes the lock for run. The next pass finds the run holding it
// under a token its status does not record yet, and records the admission.
func (r *Reconciler) acquire(ctx context.Context, run *v1alpha1.ForecastRun, w *world) error {
	lease, err := r.acquireLock(ctx, run, w.lock.lease)
	if err != nil {
		return err
	}
	log.FromContext(ctx).Info("acquired lock", "lock", lease.Name, "token", fencingToken(lease, run.UID))
	if w.lock.state == lockStale {
		lockTakeovers.WithLabelValues(run.Namespace, lease.Name).Inc()
		r.Recorder.Eventf(run, nil, corev1.EventTypeWarning, "LockTakenOver", "Admit", "took lock %s over: %s", lease.Name, w.lock.reason)
	}
	return nil
}

// deleteRun deletes a finished run whose time to live is over; the
// precondition keeps it from deleting a newer run of the same name.
func (r *Reconciler) deleteRun(ctx context.Context, run *v1alpha1.ForecastRun) error {
	err := r.Delete(ctx, run, client.Preconditions{UID: &run.UID}, client.PropagationPolicy(metav1.DeletePropagationBackground))
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting finished run %s: %w", run.Name, err)
	}
	log.FromContext(ctx).Info("deleted finished run", "ttlSecondsAfterFinished", run.Spec.TTLSecondsAfterFinished)
	return nil
}

func hasFinalizer(run *v1alpha1.ForecastRun) bool {
	return controllerutil.ContainsFinalizer(run, finalizer)
}
