package forecastcli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// lockView is who holds a lock, as its Lease says.
type lockView struct {
	name  string
	lease *coordinationv1.Lease // nil when the lock was never taken
	// identity is the Lease's holderIdentity; the controller writes
	// "<run name>/<run uid>", anyone else may write anything.
	identity string
	// run is the holding ForecastRun when identity names one that exists.
	run *v1alpha1.ForecastRun
}

// readLock reads the Lease of a lock and finds its holder among runs.
func (s *session) readLock(ctx context.Context, name string, runs []v1alpha1.ForecastRun) (*lockView, error) {
	v := &lockView{name: name}
	var lease coordinationv1.Lease
	err := s.Get(ctx, client.ObjectKey{Namespace: s.namespace, Name: name}, &lease)
	if apierrors.IsNotFound(err) {
		return v, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading lease %s in namespace %s: %w", name, s.namespace, notFoundHint(err, s.namespace))
	}
	v.lease, v.identity = &lease, ptr.Deref(lease.Spec.HolderIdentity, "")
	runName, uid, _ := strings.Cut(v.identity, "/")
	for i := range runs {
		if v.namesRun() && runs[i].Name == runName && string(runs[i].UID) == uid {
			v.run = &runs[i]
		}
	}
	return v, nil
}

// timeLeft is how long after now the holder lets go: until its estimated
// completion while it runs, nothing when the lock is free or its holder
// has finished.
func (v *lockView) timeLeft(now time.Time) estimate {
	switch {
	case v.identity == "":
		return estimate{known: true}
	case v.run == nil:
		return estimate{}
	case v.run.Status.Phase.Finished():
		return estimate{known: true}
	}
	return until(v.run.Status.EstimatedCompletionTime, now)
}

// namesRun reports whether the identity has the controller's
// "<name>/<uid>" form, the uid a UUID as every object UID is (a person
// holding the lock as "ops/maintenance" is not a run).
func (v *lockView) namesRun() bool {
	name, uid, ok := strings.Cut(v.identity, "/")
	return ok && name != "" && uuid.Validate(uid) == nil
}

// holderName is the run's name, or the raw identity of another holder.
func (v *lockView) holderName() string {
	if v.run != nil {
		return v.run.Name
	}
	name, _, _ := strings.Cut(v.identity, "/")
	return name
}
