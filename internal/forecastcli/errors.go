package forecastcli

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// notFoundHint rewrites the API's errors that have a common, fixable cause
// into a sentence that names it; others pass through unchanged.
func notFoundHint(err error, ns string) error {
	switch {
	case meta.IsNoMatchError(err):
		return fmt.Errorf("the cluster does not know ForecastRuns (forecasting.dev/v1alpha1): install the CRD first (config/crd): %w", err)
	case apierrors.IsForbidden(err):
		return fmt.Errorf("not allowed in namespace %s: %w", ns, err)
	}
	return err
}

// getRun reads a run of the session's namespace, saying plainly when it
// does not exist there.
func (s *session) getRun(ctx context.Context, name string) (*v1alpha1.ForecastRun, error) {
	var run v1alpha1.ForecastRun
	err := s.Get(ctx, client.ObjectKey{Namespace: s.namespace, Name: name}, &run)
	if apierrors.IsNotFound(err) {
		return nil, &runNotFoundError{name: name, namespace: s.namespace}
	}
	if err != nil {
		return nil, fmt.Errorf("reading forecastrun %s in namespace %s: %w", name, s.namespace, notFoundHint(err, s.namespace))
	}
	return &run, nil
}

// runNotFoundError says that a named run does not exist; the dashboard
// answers it with 404.
type runNotFoundError struct{ name, namespace string }

func (e *runNotFoundError) Error() string {
	return fmt.Sprintf("forecastrun %q not found in namespace %s", e.name, e.namespace)
}
