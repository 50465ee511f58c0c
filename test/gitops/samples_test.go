package gitops

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestGitOpsSamplesPointAtTheNightlySchedule: the Flux Kustomization and the
// Argo CD Application sync the folder that holds the nightly schedule, with
// pruning on, and that folder holds a Full ForecastSchedule.
func TestGitOpsSamplesPointAtTheNightlySchedule(t *testing.T) {
	dir := filepath.Join(testutil.RepoRoot(), "config", "samples", "gitops")
	flux := objectOf(t, filepath.Join(dir, "flux-kustomization.yaml"), "Kustomization")
	argo := objectOf(t, filepath.Join(dir, "argocd-application.yaml"), "Application")
	paths := map[string][]string{
		"flux":   {"spec", "path"},
		"argocd": {"spec", "source", "path"},
	}
	for tool, obj := range map[string]*unstructured.Unstructured{"flux": flux, "argocd": argo} {
		p, _, _ := unstructured.NestedString(obj.Object, paths[tool]...)
		if filepath.Clean(strings.TrimPrefix(p, "./")) != "config/samples/gitops/nightly" {
			t.Errorf("%s syncs %q, want config/samples/gitops/nightly", tool, p)
		}
	}
	if prune, _, _ := unstructured.NestedBool(flux.Object, "spec", "prune"); !prune {
		t.Errorf("the Flux Kustomization does not prune")
	}
	if wait, _, _ := unstructured.NestedBool(flux.Object, "spec", "wait"); !wait {
		t.Errorf("the Flux Kustomization does not wait for health")
	}
	if prune, _, _ := unstructured.NestedBool(argo.Object, "spec", "syncPolicy", "automated", "prune"); !prune {
		t.Errorf("the Argo CD Application does not prune")
	}
	schedule := objectOf(t, filepath.Join(dir, "nightly", "forecastschedule.yaml"), "ForecastSchedule")
	if mode, _, _ := unstructured.NestedString(schedule.Object, "spec", "runTemplate", "spec", "mode"); mode != "Full" {
		t.Errorf("the nightly schedule runs mode %q, want Full", mode)
	}
}

// objectOf returns the object of the given kind in a multi-document file.
func objectOf(t *testing.T, path, kind string) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			break
		}
		if u := (&unstructured.Unstructured{Object: obj}); u.GetKind() == kind {
			return u
		}
	}
	t.Fatalf("%s holds no %s", path, kind)
	return nil
}
