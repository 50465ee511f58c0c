package install

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestDefaultInstallPassesServerSideDryRun renders config/default with the
// pinned kubectl's kustomize and submits every object to the API server with
// server-side dry-run, so schema, defaulting and admission all see it. Only
// the install namespace is created for real: a dry-run namespace does not
// exist for the objects that go into it.
func TestDefaultInstallPassesServerSideDryRun(t *testing.T) {
	dir := t.TempDir()
	cp, err := testutil.StartControlPlane(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	kubectl := func(stdin []byte, args ...string) string {
		t.Helper()
		cmd := exec.Command(cp.Kubectl, append([]string{"--kubeconfig", cp.Kubeconfig}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		return out.String()
	}
	rendered := kubectl(nil, "kustomize", filepath.Join(testutil.RepoRoot(), "config", "default"))
	if err := os.WriteFile(filepath.Join(dir, "install.yaml"), []byte(rendered), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectl(nil, "create", "namespace", "forecastrun-system")
	out := kubectl([]byte(rendered), "apply", "--server-side", "--dry-run=server", "-f", "-")
	for _, want := range []string{
		"customresourcedefinition.apiextensions.k8s.io/forecastruns.forecasting.dev serverside-applied (server dry run)",
		"deployment.apps/forecastrun-controller-manager serverside-applied (server dry run)",
		"clusterrole.rbac.authorization.k8s.io/forecastrun-manager-role serverside-applied (server dry run)",
		"clusterrolebinding.rbac.authorization.k8s.io/forecastrun-manager-rolebinding serverside-applied (server dry run)",
		"serviceaccount/forecastrun-controller-manager serverside-applied (server dry run)",
		"role.rbac.authorization.k8s.io/forecastrun-leader-election serverside-applied (server dry run)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run did not report %q; it said:\n%s", want, out)
		}
	}
	if !strings.Contains(rendered, "--runner-image=ghcr.io/forecastrun/forecastrun:dev") {
		t.Errorf("the manager's --runner-image is not its own image:\n%s", rendered)
	}
}
