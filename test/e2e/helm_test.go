//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// The chart's release in this test. Its name makes every object's prefix
// helm-e2e-forecastrun, so that its cluster-wide objects (ClusterRoles,
// admission policies) live beside the suite's forecastrun-* ones.
const (
	helmRelease   = "helm-e2e"
	helmNamespace = "forecastrun-helm"
	helmPrefix    = "helm-e2e-forecastrun"
)

// helm runs the pinned helm (hack/build-helm.sh) against the suite's
// cluster, with no configuration of this machine's user.
func helm(t *testing.T, args ...string) string {
	t.Helper()
	dir, err := env.script("hack/build-helm.sh")
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cmd := exec.Command(filepath.Join(strings.TrimSpace(dir), "helm"), append([]string{"--kubeconfig", env.kubeconfig}, args...)...)
	cmd.Dir = env.repo
	cmd.Env = append(os.Environ(), "HELM_CONFIG_HOME="+home, "HELM_CACHE_HOME="+home, "HELM_DATA_HOME="+home)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("helm %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// `helm install` of dist/chart runs a run to Succeeded, and `helm
// uninstall` leaves no manager behind.
//
// Two managers must not reconcile the same runs, and the suite's manager
// (config/default, TestMain) watches every namespace. So the suite's
// manager is scaled to zero for the length of the test and started again
// at its end; the scenarios run one after another, so none of them sees
// it missing. The chart goes into a namespace of its own under another
// release name: its ClusterRoles, bindings and admission policies carry
// its own prefix and never touch the suite's. The CRDs stay the suite's
// (crd.enable=false): Helm does not adopt objects another installer
// created, and uninstalling must not take the CRDs and every run with them.
func TestHelmInstallRunsARun(t *testing.T) {
	stopSuiteManager(t)
	repo, digest := splitRef(env.image)
	helm(t, "install", helmRelease, "dist/chart", "--namespace", helmNamespace, "--create-namespace",
		"--set", "crd.enable=false",
		"--set", "image.repository="+env.registry+"/"+repo, "--set", "image.digest="+digest,
		"--set", "runnerImage="+env.runnerImage,
		"--set", "manager.leaseDuration=30s",
		"--set-json", `manager.datasetAllowedHosts=["*.svc.cluster.local"]`,
		// The suite's fast schedule clock, so that the schedules other
		// scenarios left behind keep the time they had.
		"--set-json", fmt.Sprintf(`controllerManager.extraArgs=["--schedule-clock-speed=%d","--schedule-clock-start=%s"]`, scheduleClockSpeed, env.clockStart.Format(time.RFC3339)),
		"--wait", "--timeout", "3m")
	t.Cleanup(func() {
		if out, err := env.run("delete", "namespace", helmNamespace, "--ignore-not-found", "--timeout=120s"); err != nil {
			t.Errorf("deleting namespace %s: %v\n%s", helmNamespace, err, out)
		}
	})
	deploy := helmPrefix + "-controller-manager"
	args := kubectl(t, "get", "deployment", deploy, "-n", helmNamespace, "-o", "jsonpath={.spec.template.spec.containers[0].args}")
	for _, want := range []string{"--lease-duration=30s", "--dataset-allowed-hosts=*.svc.cluster.local", "--runner-image=" + env.runnerImage} {
		if !strings.Contains(args, want) {
			t.Errorf("the chart's manager runs without %s: %s", want, args)
		}
	}

	ns := namespace(t)
	run := newRun("through-helm")
	apply(t, ns, run)
	done := waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, smallRun)
	if done.Status.Result == nil || done.Status.Result.ItemsForecast == 0 {
		t.Errorf("run %s Succeeded without a result: %+v", run.Name, done.Status.Result)
	}
	logs := kubectl(t, "logs", "-n", helmNamespace, "deployment/"+deploy)
	if !strings.Contains(logs, "acquired lock") || !strings.Contains(logs, ns) {
		t.Errorf("the chart's manager did not log taking the lock for the run in %s:\n%s", ns, logs)
	}
	// The run's finalizer goes once its lock is released; delete it while
	// the chart's manager is there to do that.
	kubectl(t, "delete", "forecastrun", run.Name, "-n", ns, "--timeout=60s")

	helm(t, "uninstall", helmRelease, "--namespace", helmNamespace, "--wait", "--timeout", "2m")
	assertNoManagerLeft(t)
}

// stopSuiteManager scales the suite's manager to zero and starts it again
// when the test ends.
func stopSuiteManager(t *testing.T) {
	t.Helper()
	pod := env.managerPod()
	if out, err := env.run("scale", "deployment", managerDeployment, "-n", managerNamespace, "--replicas=0"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	env.managerDown = true
	t.Cleanup(func() {
		if err := env.startManager(); err != nil {
			t.Errorf("restarting the suite's manager: %v", err)
		}
	})
	if pod != "" {
		if out, err := env.run("wait", "--for=delete", "pod/"+pod, "-n", managerNamespace, "--timeout=60s"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
}

// assertNoManagerLeft checks that the release left no manager Pod, no
// Deployment, nothing cluster-wide of its prefix, and no release record.
func assertNoManagerLeft(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		pods := kubectl(t, "get", "pods", "-n", helmNamespace, "-o", "name")
		if strings.TrimSpace(pods) == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("manager Pods left 2 minutes after helm uninstall:\n%s", pods)
		}
		time.Sleep(time.Second)
	}
	if left := kubectl(t, "get", "deployments,services,serviceaccounts,roles,rolebindings,leases", "-n", helmNamespace, "-o", "name", "-l", "app.kubernetes.io/instance="+helmRelease); strings.TrimSpace(left) != "" {
		t.Errorf("helm uninstall left in %s:\n%s", helmNamespace, left)
	}
	all := kubectl(t, "get", "clusterroles,clusterrolebindings,validatingadmissionpolicies,validatingadmissionpolicybindings", "-o", "name")
	for _, name := range strings.Fields(all) {
		if strings.Contains(name, "/"+helmPrefix+"-") {
			t.Errorf("helm uninstall left %s", name)
		}
	}
	if list := helm(t, "list", "--namespace", helmNamespace, "--short"); strings.TrimSpace(list) != "" {
		t.Errorf("helm still lists a release: %s", list)
	}
}
