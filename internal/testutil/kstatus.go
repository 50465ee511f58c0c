package testutil

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	kstatus "sigs.k8s.io/cli-utils/pkg/kstatus/status"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// AssertKstatus computes obj's status the way Flux and kubectl's kstatus
// do and fails the test unless it is want. kind is obj's kind in
// forecasting.dev/v1alpha1.
func AssertKstatus(t *testing.T, obj runtime.Object, kind string, want kstatus.Status) {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(v1alpha1.GroupVersion.String())
	u.SetKind(kind)
	res, err := kstatus.Compute(u)
	if err != nil {
		t.Fatalf("kstatus of %s %s: %v", kind, u.GetName(), err)
	}
	if res.Status != want {
		t.Errorf("kstatus of %s %s = %s (%s), want %s", kind, u.GetName(), res.Status, res.Message, want)
	}
}
