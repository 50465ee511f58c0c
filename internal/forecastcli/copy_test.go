package forecastcli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// These tests stop where a kubelet would be needed: the export Pod never
// starts here. The decoding is covered by copydir_test.go and the whole
// path by the e2e test TestPluginRunResultsRerunCancel.

// withJob gives a finished run a runner Job and its ServiceAccount, as the
// controller would have left them.
func withJob(t *testing.T, run *v1alpha1.ForecastRun) {
	t.Helper()
	ctx := context.Background()
	sa := &corev1.ServiceAccount{}
	sa.Name, sa.Namespace = run.Name+"-runner", run.Namespace
	if err := k8s.Create(ctx, sa); err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(ctx, runnerJob(run.Namespace, run.Name+"-runner", sa.Name, "ghcr.io/forecastrun/forecastrun:test")); err != nil {
		t.Fatal(err)
	}
	run.Status.JobName = run.Name + "-runner"
	if err := k8s.Status().Update(ctx, run); err != nil {
		t.Fatal(err)
	}
}

func exportPods(t *testing.T, ns string) []corev1.Pod {
	t.Helper()
	var pods corev1.PodList
	if err := k8s.List(context.Background(), &pods, client.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	return pods.Items
}

// The copy Pod is created, and deleted again when it does not start in
// time; the error says which Pod and why.
func TestResultsCopyDeletesThePodOnTimeout(t *testing.T) {
	ns := newNamespace(t)
	withJob(t, finishedWithResult(t, ns, "nightly"))
	dir := filepath.Join(t.TempDir(), "out")
	out, errOut, err := execute(t, "results", "nightly", "-n", ns, "--copy", dir, "--timeout", "1s")
	if !strings.Contains(out, "Items forecast:") {
		t.Errorf("results --copy printed %q; want the summary first", out)
	}
	if !strings.Contains(errOut, "through Pod nightly-export-") {
		t.Errorf("stderr %q; want the export Pod's name", errOut)
	}
	if err == nil || !strings.Contains(err.Error(), "did not start") || !strings.Contains(err.Error(), "nothing was written") {
		t.Errorf("results --copy without a kubelet: %v; want the Pod not starting", err)
	}
	if pods := exportPods(t, ns); len(pods) != 0 {
		t.Errorf("%d Pods left behind (%s); want the export Pod deleted", len(pods), pods[0].Name)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("the folder holds %d entries after a failed copy", len(entries))
	}
}

func TestResultsCopyRefusals(t *testing.T) {
	ns := newNamespace(t)
	finishedWithResult(t, ns, "no-job")
	withJob(t, finishedWithResult(t, ns, "nightly"))
	gone := finishedWithResult(t, ns, "gone")
	gone.Status.JobName = "gone-runner"
	if err := k8s.Status().Update(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	createRun(t, testutil.MakeForecastRun("busy", ns).Output("results", "runs").Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning})
	createRun(t, testutil.MakeForecastRun("nowhere", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded,
		Result: &v1alpha1.Result{ItemsForecast: 1, OutputPath: "pod:/tmp/forecastrun/nowhere"}})
	occupied := t.TempDir()
	if err := os.WriteFile(filepath.Join(occupied, "forecasts.csv"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"not finished", []string{"busy"}, "forecastrun/busy in namespace " + ns + " is Running, not Succeeded"},
		{"no output", []string{"nowhere"}, "forecastrun/nowhere in namespace " + ns + " has no spec.output"},
		{"no job named", []string{"no-job"}, "names no runner Job, so its runner image is unknown: pass --image"},
		{"job deleted", []string{"gone"}, "job gone-runner of forecastrun/gone in namespace " + ns + " is gone"},
		{"would overwrite", []string{"nightly", "--copy", occupied}, "forecasts.csv already exists; pass --overwrite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"results", "-n", ns}, tc.args...)
			if !strings.Contains(strings.Join(args, " "), "--copy") {
				args = append(args, "--copy", t.TempDir())
			}
			_, _, err := execute(t, args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("results %s: %v; want %q", strings.Join(tc.args, " "), err, tc.want)
			}
			if pods := exportPods(t, ns); len(pods) != 0 {
				t.Errorf("a refused copy left Pod %s", pods[0].Name)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(occupied, "forecasts.csv")); string(b) != "mine" {
		t.Errorf("a refused copy changed an existing file: %q", b)
	}
	// --image stands in for a deleted Job: the copy gets as far as the Pod.
	_, _, err := execute(t, "results", "gone", "-n", ns, "--copy", t.TempDir(), "--image", "img:1", "--timeout", "1s")
	if err == nil || !strings.Contains(err.Error(), "did not start") {
		t.Errorf("results --copy --image of a run without a Job: %v; want the Pod started and timed out", err)
	}
}

func TestResultsCopyFlagsNeedCopy(t *testing.T) {
	ns := newNamespace(t)
	finishedWithResult(t, ns, "nightly")
	for _, flag := range []string{"--overwrite", "--image=x"} {
		if _, _, err := execute(t, "results", "nightly", "-n", ns, flag); err == nil || !strings.Contains(err.Error(), "only apply with --copy") {
			t.Errorf("results %s without --copy: %v", flag, err)
		}
	}
}

func TestPodStarted(t *testing.T) {
	waiting := func(reason string) corev1.PodStatus {
		return corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{{
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: "pull access denied"}},
		}}}
	}
	for _, tc := range []struct {
		name    string
		status  corev1.PodStatus
		started bool
		err     string
	}{
		{"unscheduled", corev1.PodStatus{Phase: corev1.PodPending}, false, ""},
		{"creating", waiting("ContainerCreating"), false, ""},
		{"bad image", waiting("ImagePullBackOff"), false, "cannot start: ImagePullBackOff: pull access denied (is the image img:1 right? --image sets it)"},
		{"running", corev1.PodStatus{Phase: corev1.PodRunning}, true, ""},
		{"already done", corev1.PodStatus{Phase: corev1.PodSucceeded}, true, ""},
		{"ended while pending", corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{{
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}},
		}}}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Image: "img:1"}}}, Status: tc.status}
			pod.Name = "nightly-export-abcde"
			started, err := podStarted(pod)
			if started != tc.started || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
				t.Errorf("podStarted = %v, %v; want %v, %q", started, err, tc.started, tc.err)
			}
		})
	}
}

func TestPodState(t *testing.T) {
	pod := &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodFailed, ContainerStatuses: []corev1.ContainerStatus{{
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1, Reason: "Error"}},
	}}}}
	if got, want := podState(pod), "phase Failed, exit code 1 (Error)"; got != want {
		t.Errorf("podState = %q, want %q", got, want)
	}
}
