package v1alpha1_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/models/registry"
)

// TestModelEnumMatchesTheRegistry: spec.models accepts exactly the names the
// runner knows, so a run is never admitted with a model the runner refuses,
// and no model the runner has is unreachable from the API.
func TestModelEnumMatchesTheRegistry(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.RepoRoot(), "config", "crd", "bases", "forecasting.dev_forecastruns.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var crd apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatal(err)
	}
	items := crd.Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["models"].Items.Schema
	var enum []string
	for _, v := range items.Enum {
		var name string
		if err := yaml.Unmarshal(v.Raw, &name); err != nil {
			t.Fatal(err)
		}
		enum = append(enum, name)
	}
	if diff := cmp.Diff(registry.Names(), enum); diff != "" {
		t.Errorf("spec.models enum differs from registry.Names() (-registry +enum):\n%s", diff)
	}
}
