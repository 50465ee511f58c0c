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
		"customresourcedefinition.apiextensions.k8s.io/forecastschedules.forecasting.dev serverside-applied (server dry run)",
		"deployment.apps/forecastrun-controller-manager serverside-applied (server dry run)",
		"clusterrole.rbac.authorization.k8s.io/forecastrun-manager-role serverside-applied (server dry run)",
		"clusterrolebinding.rbac.authorization.k8s.io/forecastrun-manager-rolebinding serverside-applied (server dry run)",
		"serviceaccount/forecastrun-controller-manager serverside-applied (server dry run)",
		"role.rbac.authorization.k8s.io/forecastrun-leader-election serverside-applied (server dry run)",
		"service/forecastrun-controller-manager-metrics-service serverside-applied (server dry run)",
		"clusterrole.rbac.authorization.k8s.io/forecastrun-metrics-reader serverside-applied (server dry run)",
		"clusterrole.rbac.authorization.k8s.io/forecastrun-metrics-auth-role serverside-applied (server dry run)",
		"clusterrolebinding.rbac.authorization.k8s.io/forecastrun-metrics-auth-rolebinding serverside-applied (server dry run)",
		"clusterrole.rbac.authorization.k8s.io/forecastrun-editor serverside-applied (server dry run)",
		"clusterrole.rbac.authorization.k8s.io/forecastrun-viewer serverside-applied (server dry run)",
		"clusterrole.rbac.authorization.k8s.io/forecastrun-priority-high serverside-applied (server dry run)",
		"clusterrole.rbac.authorization.k8s.io/forecastrun-priority-urgent serverside-applied (server dry run)",
		"validatingadmissionpolicy.admissionregistration.k8s.io/forecastrun-requester-rights serverside-applied (server dry run)",
		"validatingadmissionpolicy.admissionregistration.k8s.io/forecastrun-runner-status serverside-applied (server dry run)",
		"validatingadmissionpolicy.admissionregistration.k8s.io/forecastrun-manager-leases serverside-applied (server dry run)",
		"validatingadmissionpolicybinding.admissionregistration.k8s.io/forecastrun-requester-rights serverside-applied (server dry run)",
		"validatingadmissionpolicybinding.admissionregistration.k8s.io/forecastrun-runner-status serverside-applied (server dry run)",
		"validatingadmissionpolicybinding.admissionregistration.k8s.io/forecastrun-manager-leases serverside-applied (server dry run)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run did not report %q; it said:\n%s", want, out)
		}
	}
	// The GitOps sample is what teams copy into their repositories: the API
	// server must accept it as it is.
	kubectl(nil, "create", "namespace", "planning")
	nightly := kubectl(nil, "apply", "--server-side", "--dry-run=server", "-k", filepath.Join(testutil.RepoRoot(), "config", "samples", "gitops", "nightly"))
	if want := "forecastschedule.forecasting.dev/nightly-full serverside-applied (server dry run)"; !strings.Contains(nightly, want) {
		t.Errorf("the nightly GitOps sample: %s", nightly)
	}
	// The security samples are what administrators copy and adapt.
	security := kubectl(nil, "apply", "--server-side", "--dry-run=server", "-n", "planning", "-k", filepath.Join(testutil.RepoRoot(), "config", "samples", "security"))
	if want := "networkpolicy.networking.k8s.io/forecastrun-runner serverside-applied (server dry run)"; !strings.Contains(security, want) {
		t.Errorf("the NetworkPolicy sample: %s", security)
	}
	if !strings.Contains(rendered, "--runner-image=ghcr.io/forecastrun/forecastrun:dev") {
		t.Errorf("the manager's --runner-image is not its own image:\n%s", rendered)
	}
}

// TestMakeDeployAndUndeploy runs `make deploy IMG=...` and `make undeploy`
// against a control plane of its own: the image lands in the Deployment and
// in the runner-image flag, and undeploy removes what deploy created.
func TestMakeDeployAndUndeploy(t *testing.T) {
	dir := t.TempDir()
	cp, err := testutil.StartControlPlane(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	mk := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("make", append([]string{"-C", testutil.RepoRoot(), "KUBECTL=" + cp.Kubectl}, args...)...)
		cmd.Env = append(os.Environ(), "KUBECONFIG="+cp.Kubeconfig)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	kubectl := func(args ...string) (string, error) {
		out, err := exec.Command(cp.Kubectl, append([]string{"--kubeconfig", cp.Kubeconfig}, args...)...).CombinedOutput()
		return string(out), err
	}
	const img = "registry.example.com:5000/planning/forecastrun:v1.2.3"
	mk("deploy", "IMG="+img)
	out, err := kubectl("get", "deployment", "forecastrun-controller-manager", "-n", "forecastrun-system",
		"-o", `jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].args}`)
	if err != nil {
		t.Fatalf("the Deployment was not created: %v\n%s", err, out)
	}
	if !strings.HasPrefix(out, img+" ") || !strings.Contains(out, "--runner-image="+img) {
		t.Errorf("Deployment image and args = %s, want %s in both", out, img)
	}
	// The test's control plane has no namespace controller to finish the
	// namespace's deletion, so do not wait for it.
	mk("undeploy", "WAIT=false")
	if out, err := kubectl("get", "namespace", "forecastrun-system", "-o", "jsonpath={.status.phase}"); err == nil && out != "Terminating" {
		t.Errorf("namespace forecastrun-system is %q after undeploy", out)
	}
	if out, err := kubectl("get", "clusterrole", "forecastrun-manager-role"); err == nil {
		t.Errorf("the ClusterRole outlived undeploy: %s", out)
	}
}
