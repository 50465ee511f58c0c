//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// What goes wrong on real nodes, as the user sees it in kubectl get fr and
// events: the run fails in bounded time with the kubelet's or the
// scheduler's own reason, and the lock passes to the next run.

// startupTimeout is what the scenarios whose Pods never start give their
// runs: long enough for a Pod to start on a loaded 2-core machine.
const startupTimeout = 40 * time.Second

func withStartupTimeout(r *v1alpha1.ForecastRun) {
	r.Spec.StartupTimeout = &metav1.Duration{Duration: startupTimeout}
}

// lockHolder is the identity holding the namespace's lock, "" when free.
func lockHolder(t *testing.T, ns string) string {
	t.Helper()
	return kubectl(t, "get", "lease", "forecast-pipeline", "-n", ns, "-o", "jsonpath={.spec.holderIdentity}")
}

// waitLockReleased waits until the run no longer holds the namespace's
// lock: a finished run records its end first, then lets go of the lock once
// its Pods are gone.
func waitLockReleased(t *testing.T, ns, run string) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for h := lockHolder(t, ns); strings.HasPrefix(h, run+"/"); h = lockHolder(t, ns) {
		if time.Now().After(deadline) {
			t.Fatalf("run %s still holds the lock %s after %s", run, h, startTimeout)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// assertFailedWith waits for a run to fail and checks what the user sees:
// the reason of its Failed condition and of the Warning event (any reason
// when reason is ""), and what its message says.
func assertFailedWith(t *testing.T, ns, name, reason string, timeout time.Duration, inMessage ...string) *v1alpha1.ForecastRun {
	t.Helper()
	r := waitPhase(t, ns, name, v1alpha1.PhaseFailed, timeout)
	t.Logf("run %s failed: %s", name, r.Status.Message)
	c := condition(r, v1alpha1.ConditionFailed)
	if c == nil || c.Status != metav1.ConditionTrue || (reason != "" && c.Reason != reason) {
		t.Errorf("run %s: Failed condition %+v, want True with reason %q", name, c, reason)
	}
	if c != nil {
		events := kubectl(t, "get", "events", "-n", ns, "--field-selector",
			"involvedObject.kind=ForecastRun,involvedObject.name="+name+",type=Warning,reason="+c.Reason, "-o", "name")
		if strings.TrimSpace(events) == "" {
			t.Errorf("run %s: no Warning event with reason %s", name, c.Reason)
		}
	}
	for _, want := range inMessage {
		if !strings.Contains(r.Status.Message, want) {
			t.Errorf("run %s: message %q lacks %q", name, r.Status.Message, want)
		}
	}
	return r
}

// The runners' image disappears from the registry: the run fails at its
// startup timeout with the kubelet's pull error, the lock passes to the
// queued run, and that run succeeds once the image is back.
func TestUnpullableImageFailsAndFreesTheLock(t *testing.T) {
	ns := namespace(t)
	removeRunnerImage(t)
	first := newRun("unpullable", withStartupTimeout)
	second := newRun("after-unpullable", withSeed(11))
	apply(t, ns, first)
	waitPhase(t, ns, first.Name, v1alpha1.PhaseRunning, startTimeout)
	apply(t, ns, second)
	waitPhase(t, ns, second.Name, v1alpha1.PhaseQueued, startTimeout)

	failed := assertFailedWith(t, ns, first.Name, "", startupTimeout+2*time.Minute)
	if !strings.Contains(failed.Status.Message, "ErrImagePull") && !strings.Contains(failed.Status.Message, "ImagePullBackOff") {
		t.Errorf("message %q names neither ErrImagePull nor ImagePullBackOff", failed.Status.Message)
	}
	waitLockReleased(t, ns, first.Name)
	restoreRunnerImage(t)
	waitPhase(t, ns, second.Name, v1alpha1.PhaseSucceeded, bigRun)
}

// removeRunnerImage deletes the runner image's manifest from the registry
// and the image from the node, as a registry clean-up would, and puts it
// back when the test ends.
func removeRunnerImage(t *testing.T) {
	t.Helper()
	repo, digest := splitRef(env.runnerImage)
	req, err := http.NewRequest(http.MethodDelete, fmt.Sprintf("http://%s/v2/%s/manifests/%s", env.registry, repo, digest), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deleting %s from the registry: %s", env.runnerImage, resp.Status)
	}
	t.Cleanup(func() { restoreRunnerImage(t) })
	// containerd names the pulled image by the reference the Pod gave and
	// by its repository digest.
	for _, name := range []string{env.runnerImage, env.registry + "/" + repo + "@" + digest} {
		if out, err := env.ctr("images", "rm", name); err != nil && !strings.Contains(out, "not found") {
			t.Fatal(err)
		}
	}
}

// splitRef splits REGISTRY/REPOSITORY[:TAG]@DIGEST of the local registry.
func splitRef(ref string) (repo, digest string) {
	named, digest, _ := strings.Cut(ref, "@")
	if i := strings.LastIndex(named, ":"); i > strings.LastIndex(named, "/") {
		named = named[:i]
	}
	return strings.TrimPrefix(named, env.registry+"/"), digest
}

func restoreRunnerImage(t *testing.T) {
	t.Helper()
	ref, err := env.pushRunnerImage()
	if err != nil {
		t.Fatal(err)
	}
	if ref != env.runnerImage {
		t.Fatalf("the runner image came back as %s, not %s", ref, env.runnerImage)
	}
}

// A runner over its memory limit is OOM-killed by the kernel; the Job
// retries it, the run says so while it retries, and once the retries are
// used up it fails with the kubelet's reason and the limit, and lets go of
// its lock.
func TestOOMKilledRunnerFailsWithTheKubeletsReason(t *testing.T) {
	ns := namespace(t)
	run := newRun("oom", bigData, func(r *v1alpha1.ForecastRun) {
		limit := corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("40Mi")}
		r.Spec.Resources = &corev1.ResourceRequirements{Requests: limit, Limits: limit}
	})
	apply(t, ns, run)
	waitRun(t, ns, run.Name, "retrying after an OOM kill", bigRun, func(r *v1alpha1.ForecastRun) bool {
		return r.Status.Phase == v1alpha1.PhaseFailed || strings.Contains(r.Status.Message, "retrying after")
	})
	assertFailedWith(t, ns, run.Name, v1alpha1.ReasonJobFailed, bigRun, "OOMKilled", "over its memory limit of 40Mi")
	waitLockReleased(t, ns, run.Name)
}

// Output to a claim that does not exist: the scheduler cannot place the
// Pod, and the run fails at its startup timeout with the scheduler's words.
func TestMissingOutputClaimFailsAtStartup(t *testing.T) {
	ns := namespace(t)
	run := newRun("no-claim", withStartupTimeout, func(r *v1alpha1.ForecastRun) {
		r.Spec.Output = &v1alpha1.Output{PersistentVolumeClaim: &v1alpha1.VolumeSource{ClaimName: "absent", Path: "runs"}}
	})
	apply(t, ns, run)
	assertFailedWith(t, ns, run.Name, "Unschedulable", startupTimeout+2*time.Minute, `persistentvolumeclaim "absent" not found`)
	waitLockReleased(t, ns, run.Name)
}

// A quota that refuses the runner's Pods: the Job controller cannot create
// them, and the run fails at its startup timeout with the quota's message.
func TestQuotaRefusingPodsFailsTheRun(t *testing.T) {
	ns := namespace(t)
	kubectl(t, "create", "quota", "compute", "-n", ns, "--hard=requests.cpu=100m")
	run := newRun("over-quota", withStartupTimeout, func(r *v1alpha1.ForecastRun) {
		r.Spec.Resources = &corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}
	})
	apply(t, ns, run)
	assertFailedWith(t, ns, run.Name, "FailedCreate", startupTimeout+2*time.Minute, "exceeded quota: compute")
}

// A node whose kubelet stops answering (frozen here with SIGSTOP) keeps a
// cancelled run's Pod: the lock does not pass while that Pod may still run,
// and the queued run says what it waits for; once the kubelet is back and
// the Pod has stopped, the queued run starts.
func TestLockWaitsForAFrozenNodesPod(t *testing.T) {
	ns := namespace(t)
	first := newRun("frozen", bigData)
	second := newRun("after-frozen", withSeed(13))
	apply(t, ns, first)
	waitPercent(t, ns, first.Name, 5, bigRun)
	apply(t, ns, second)
	waitPhase(t, ns, second.Name, v1alpha1.PhaseQueued, startTimeout)

	kubelet := kubeletPID(t)
	if err := syscall.Kill(kubelet, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	thawed := false
	thaw := func() {
		if !thawed {
			thawed = true
			_ = syscall.Kill(kubelet, syscall.SIGCONT)
		}
	}
	t.Cleanup(thaw)
	kubectl(t, "patch", "forecastrun", first.Name, "-n", ns, "--type", "merge", "-p", `{"spec":{"cancel":true}}`)
	waitPhase(t, ns, first.Name, v1alpha1.PhaseCancelled, startTimeout)
	waitRun(t, ns, second.Name, "waiting for the cancelled run's Pod", startTimeout, func(r *v1alpha1.ForecastRun) bool {
		return strings.Contains(r.Status.Message, "still has to terminate")
	})
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(time.Second) {
		if r := getRun(t, ns, second.Name); r.Status.Phase != v1alpha1.PhaseQueued {
			t.Fatalf("run %s went %s while the frozen node still ran %s's Pod", second.Name, r.Status.Phase, first.Name)
		}
		if h := lockHolder(t, ns); !strings.HasPrefix(h, first.Name+"/") {
			t.Fatalf("the lock passed to %q while %s's Pod may still run", h, first.Name)
		}
	}
	thaw()
	waitPhase(t, ns, second.Name, v1alpha1.PhaseSucceeded, bigRun)
}

func kubeletPID(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(env.state, "run", "kubelet.pid"))
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	if _, err := fmt.Sscan(string(b), &pid); err != nil {
		t.Fatal(err)
	}
	return pid
}

// The placement sample for a tainted batch node pool schedules its runner
// onto the pool's node; a run without the toleration cannot be placed and
// fails at its startup timeout with the scheduler's reason.
func TestPlacementSampleOnATaintedBatchNode(t *testing.T) {
	ns := namespace(t)
	kubectl(t, "label", "node", "local-node", "pool=batch")
	kubectl(t, "taint", "node", "local-node", "dedicated=batch:NoSchedule")
	t.Cleanup(func() {
		_, _ = env.run("taint", "node", "local-node", "dedicated=batch:NoSchedule-")
		_, _ = env.run("label", "node", "local-node", "pool-")
	})
	onPool := placementSample(t)
	apply(t, ns, onPool)
	done := waitPhase(t, ns, onPool.Name, v1alpha1.PhaseSucceeded, smallRun)
	for _, p := range pods(t, ns, done.Status.JobName) {
		if p.Spec.NodeName != "local-node" {
			t.Errorf("pod %s ran on %q", p.Name, p.Spec.NodeName)
		}
	}
	elsewhere := newRun("not-tolerated", withSeed(17), withStartupTimeout)
	apply(t, ns, elsewhere)
	assertFailedWith(t, ns, elsewhere.Name, "Unschedulable", startupTimeout+2*time.Minute, "untolerated taint")
}

// placementSample is config/samples/placement/batch-node-pool.yaml with a
// small dataset: its podTemplate is what is under test.
func placementSample(t *testing.T) *v1alpha1.ForecastRun {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(env.repo, "config/samples/placement/batch-node-pool.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var sample v1alpha1.ForecastRun
	if err := yaml.UnmarshalStrict(b, &sample); err != nil {
		t.Fatalf("reading the placement sample: %v", err)
	}
	if sample.Spec.PodTemplate == nil {
		t.Fatal("the placement sample has no podTemplate")
	}
	run := newRun(sample.Name)
	run.Spec.PodTemplate = sample.Spec.PodTemplate
	return run
}

// Deleting a running run's Job fails the run with a message instead of
// executing it again.
func TestDeletedJobFailsTheRun(t *testing.T) {
	ns := namespace(t)
	run := newRun("job-deleted", bigData)
	apply(t, ns, run)
	r := waitPercent(t, ns, run.Name, 5, bigRun)
	kubectl(t, "delete", "job", r.Status.JobName, "-n", ns, "--wait=false")
	assertFailedWith(t, ns, run.Name, v1alpha1.ReasonJobDeleted, startTimeout)
	time.Sleep(5 * time.Second)
	if js := jobs(t, ns); len(js) != 0 {
		t.Errorf("a Job came back after the deletion: %v", jobNames(js))
	}
}

// A finished run holds no finalizer, so its namespace can be deleted while
// the operator is down.
func TestNamespaceDeletionNeedsNoManager(t *testing.T) {
	ns := namespace(t)
	run := newRun("finished")
	apply(t, ns, run)
	waitPhase(t, ns, run.Name, v1alpha1.PhaseSucceeded, smallRun)
	// A run records its end first, then lets go of its lock and, with it,
	// the finalizer: a pass or two later, not forever.
	waitRun(t, ns, run.Name, "without finalizers", time.Minute, func(r *v1alpha1.ForecastRun) bool {
		return len(r.Finalizers) == 0
	})
	if err := env.killManager(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if !env.managerRunning() {
			if err := env.startManager(); err != nil {
				t.Errorf("restarting the manager: %v", err)
			}
		}
	})
	kubectl(t, "delete", "namespace", ns, "--timeout=120s")
	if err := env.startManager(); err != nil {
		t.Fatal(err)
	}
}
