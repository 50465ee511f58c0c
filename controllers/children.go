package controllers

import (
	"context"
	"fmt"
	"reflect"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// A run's children (its runner ServiceAccount, Role and RoleBinding, and
// its Job) have deterministic names, so a pass that repeats an earlier
// one's work, or a restarted manager, finds them in place. Finding one in
// place is only taken as the run's own when the run controls it: an object
// of the same name may belong to an earlier run of the same name that was
// deleted and whose children the garbage collector has not removed yet
// (kubectl replace --force, a GitOps tool's Replace), and adopting it would
// see it deleted mid-run. Such a conflict is reported and waited out.

// runnerChildren are the objects a hold of the lock needs, in the order
// they are created: the runner's identity before the Job that uses it.
func runnerChildren(run *v1alpha1.ForecastRun, cfg Config) []client.Object {
	return append(runnerRBAC(run), constructJob(run, cfg))
}

// childConflict looks, on fresh reads, for a child of run that exists and
// is not controlled by run; it describes the first one found, or returns ""
// when there is none.
func (r *Reconciler) childConflict(ctx context.Context, run *v1alpha1.ForecastRun) (string, error) {
	for _, want := range runnerChildren(run, r.Config) {
		have := emptyLike(want)
		err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(want), have)
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("reading %s %s: %w", kindOf(want), want.GetName(), err)
		}
		if !metav1.IsControlledBy(have, run) {
			return foreignChild(have), nil
		}
	}
	return "", nil
}

// refusal is why the API server refuses an object.
type refusal struct {
	// message is the server's; empty when it accepts the object.
	message string
	// permanent: the object is invalid, and no retry will change that.
	permanent bool
}

// tryJob asks the API server, in a dry run, whether it would create the
// run's Job now: an invalid Job (requests above limits, a bad podTemplate)
// is refused for good, a quota or an admission policy may refuse it for a
// while.
func (r *Reconciler) tryJob(ctx context.Context, run *v1alpha1.ForecastRun) refusal {
	err := r.Create(ctx, constructJob(run, r.Config), client.DryRunAll)
	switch {
	case err == nil, apierrors.IsAlreadyExists(err):
		return refusal{}
	case apierrors.IsInvalid(err), apierrors.IsBadRequest(err):
		return refusal{message: err.Error(), permanent: true}
	}
	return refusal{message: err.Error()}
}

// createRunnerJob creates the runner's identity and then its Job. An object
// that already exists is kept when the run controls it and refused when it
// does not; the next pass then reports the conflict.
func (r *Reconciler) createRunnerJob(ctx context.Context, run *v1alpha1.ForecastRun, reuseCandidates string) error {
	for _, obj := range runnerChildren(run, r.Config) {
		offerReuse(obj, reuseCandidates)
		err := r.Create(ctx, obj)
		if apierrors.IsAlreadyExists(err) {
			err = r.checkOwnChild(ctx, run, obj)
		}
		if err != nil {
			return fmt.Errorf("creating %s %s: %w", kindOf(obj), obj.GetName(), err)
		}
	}
	return nil
}

// checkOwnChild reads an existing child afresh and refuses it unless run
// controls it.
func (r *Reconciler) checkOwnChild(ctx context.Context, run *v1alpha1.ForecastRun, want client.Object) error {
	have := emptyLike(want)
	if err := r.APIReader.Get(ctx, client.ObjectKeyFromObject(want), have); err != nil {
		return err
	}
	if !metav1.IsControlledBy(have, run) {
		return fmt.Errorf("%s; not adopting it", foreignChild(have))
	}
	return nil
}

// foreignChild says whose an existing child is, for a person.
func foreignChild(obj client.Object) string {
	by := "it has no controller"
	if owner := metav1.GetControllerOf(obj); owner != nil {
		by = fmt.Sprintf("it belongs to %s %s with uid %s, such as an earlier run of this name whose objects are still being deleted", owner.Kind, owner.Name, owner.UID)
	}
	return fmt.Sprintf("%s %s exists and is not this run's: %s", kindOf(obj), obj.GetName(), by)
}

// emptyLike is a new, empty object of obj's type, to read into.
func emptyLike(obj client.Object) client.Object {
	return reflect.New(reflect.TypeOf(obj).Elem()).Interface().(client.Object)
}

// kindOf is the kind of a typed object: Job, ServiceAccount, Role, ...
func kindOf(obj client.Object) string { return reflect.TypeOf(obj).Elem().Name() }
