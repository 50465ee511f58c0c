package chart

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/forecastrun/forecastrun/internal/testutil"
)

// chartDir is the generated chart.
var chartDir = filepath.Join(testutil.RepoRoot(), "dist", "chart")

// helmBin is the pinned helm, built by hack/build-helm.sh when missing
// (make test builds it beforehand, outside the test's timeout).
func helmBin(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(filepath.Join(testutil.RepoRoot(), "hack", "build-helm.sh")).Output()
	if err != nil {
		t.Fatalf("hack/build-helm.sh: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "helm")
}

// helm runs helm and returns its stdout, or its error with stderr.
func helm(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(helmBin(t), args...)
	// No user configuration, cache or plugins of this machine.
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HELM_CONFIG_HOME="+home, "HELM_CACHE_HOME="+home, "HELM_DATA_HOME="+home)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), errors.New(err.Error() + ": " + errOut.String() + out.String())
	}
	return out.String(), nil
}

// valuesFile writes values (YAML) for -f.
func valuesFile(t *testing.T, values string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(p, []byte(values), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// render runs helm template and decodes the objects.
func render(t *testing.T, release, ns, values string) []*unstructured.Unstructured {
	t.Helper()
	out, err := helm(t, "template", release, chartDir, "--namespace", ns, "-f", valuesFile(t, values))
	if err != nil {
		t.Fatalf("helm template: %v", err)
	}
	return decode(t, out)
}

func decode(t *testing.T, text string) []*unstructured.Unstructured {
	t.Helper()
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(text), 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		err := dec.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			return objs
		}
		if err != nil {
			t.Fatalf("decoding helm template's output: %v\n%s", err, text)
		}
		if len(obj.Object) > 0 {
			objs = append(objs, obj)
		}
	}
}

// find returns the object of kind and name, or nil.
func find(objs []*unstructured.Unstructured, kind, name string) *unstructured.Unstructured {
	for _, o := range objs {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	return nil
}

// managerContainer is the manager Deployment's container.
func managerContainer(t *testing.T, objs []*unstructured.Unstructured, prefix string) map[string]any {
	t.Helper()
	d := find(objs, "Deployment", prefix+"-controller-manager")
	if d == nil {
		t.Fatalf("no Deployment %s-controller-manager in the render", prefix)
	}
	ctrs, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	if len(ctrs) != 1 {
		t.Fatalf("the manager Deployment has %d containers", len(ctrs))
	}
	return ctrs[0].(map[string]any)
}

func args(c map[string]any) []string {
	var out []string
	for _, a := range c["args"].([]any) {
		out = append(out, a.(string))
	}
	return out
}
