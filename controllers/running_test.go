package controllers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestFailedMessageLeadsWithTheRunnersError(t *testing.T) {
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: "r-runner"}}
	cond := &batchv1.JobCondition{Reason: "PodFailurePolicy", Message: "Container runner for pod ns/r-runner-x failed with exit code 3"}
	jobPart := "runner Job r-runner failed: PodFailurePolicy: Container runner for pod ns/r-runner-x failed with exit code 3"
	oomKilled := failedPod("r-runner-b", 20, corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137})
	oomKilled.Spec.Containers = []corev1.Container{{Name: "runner", Resources: corev1.ResourceRequirements{
		Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("48Mi")}}}}
	cases := []struct {
		name   string
		shards []v1alpha1.ShardStatus
		pods   []corev1.Pod
		want   string
	}{
		{"no report", nil, nil, jobPart},
		{"current hold's error", []v1alpha1.ShardStatus{
			{Index: 0, FencingToken: "2/u", Message: "forecasting"},
			{Index: 1, FencingToken: "2/u", Message: "failed: loading the dataset: configmap/s/d.csv:3:3: bad"},
		}, nil, "shard 1 failed: loading the dataset: configmap/s/d.csv:3:3: bad (" + jobPart + ")"},
		{"an older hold's error is ignored", []v1alpha1.ShardStatus{
			{Index: 0, FencingToken: "1/u", Message: "failed: stale"},
		}, nil, jobPart},
		{"the kubelet's reason of the last failed Pod", nil, []corev1.Pod{
			failedPod("r-runner-a", 10, corev1.ContainerStateTerminated{Reason: "Error", ExitCode: 2}),
			oomKilled,
			{ObjectMeta: metav1.ObjectMeta{Name: "r-runner-c"}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		}, "runner Pod r-runner-b: container runner ended OOMKilled with exit code 137, over its memory limit of 48Mi (" + jobPart + ")"},
		{"an evicted Pod", nil, []corev1.Pod{{ObjectMeta: metav1.ObjectMeta{Name: "r-runner-d"},
			Status: corev1.PodStatus{Phase: corev1.PodFailed, Reason: "Evicted", Message: "The node was low on resource: memory."}}},
			"runner Pod r-runner-d: Evicted: The node was low on resource: memory. (" + jobPart + ")"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := &v1alpha1.ForecastRun{Status: v1alpha1.ForecastRunStatus{FencingToken: "2/u", Shards: tc.shards}}
			if got := failedMessage(run, job, cond, tc.pods); got != tc.want {
				t.Errorf("failedMessage =\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

// failedPod is a failed runner Pod whose container ended at second sec.
func failedPod(name string, sec int64, term corev1.ContainerStateTerminated) corev1.Pod {
	term.FinishedAt = metav1.NewTime(time.Unix(sec, 0))
	return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name}, Status: corev1.PodStatus{Phase: corev1.PodFailed,
		ContainerStatuses: []corev1.ContainerStatus{{Name: "runner", State: corev1.ContainerState{Terminated: &term}}}}}
}

// TestResultOfAnotherExecutionIsNotKept (defect 8): status.result is
// fenced like the shard reports. A result that does not carry the run's
// current token (written by a runner of an earlier hold, or by anyone else)
// is not recorded as the run's result when its Job completes; one that
// does is kept.
func TestResultOfAnotherExecutionIsNotKept(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	for i, tc := range []struct {
		name  string
		token func(run *v1alpha1.ForecastRun) string
		keep  bool
	}{
		{"stale-result", func(*v1alpha1.ForecastRun) string { return "" }, false},
		{"fresh-result", func(run *v1alpha1.ForecastRun) string { return run.Status.FencingToken }, true},
	} {
		create(t, testutil.MakeForecastRun(tc.name, ns).Horizon(int32(i+1)).Obj())
		waitJob(t, ns, tc.name+"-runner")
		run := waitPhase(t, ns, tc.name, v1alpha1.PhaseRunning)
		result := map[string]any{"itemsForecast": 7}
		if tok := tc.token(run); tok != "" {
			result["fencingToken"] = tok
		}
		writeResult(t, ns, tc.name, result)
		finishJob(t, ns, tc.name+"-runner", true)
		done := waitPhase(t, ns, tc.name, v1alpha1.PhaseSucceeded)
		if kept := done.Status.Result != nil && done.Status.Result.ItemsForecast == 7; kept != tc.keep {
			t.Errorf("%s: result %+v kept = %v, want %v (message %q)", tc.name, done.Status.Result, kept, tc.keep, done.Status.Message)
		}
	}
}

// writeResult writes status.result as a runner does, with a server-side
// apply under the runner's field manager.
func writeResult(t *testing.T, ns, name string, result map[string]any) {
	t.Helper()
	data, err := json.Marshal(map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(), "kind": "ForecastRun",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"status":   map[string]any{"result": result},
	})
	if err != nil {
		t.Fatal(err)
	}
	obj := &v1alpha1.ForecastRun{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}}
	if err := k8sClient.Status().Patch(context.Background(), obj, client.RawPatch(types.ApplyPatchType, data),
		client.FieldOwner("forecastrun-runner"), client.ForceOwnership); err != nil {
		t.Fatalf("writing the result of %s: %v", name, err)
	}
}

// TestDeletedJobFailsTheRun (defect 6): `kubectl delete job` on a running
// run's Job ends the run Failed, saying so; it is not silently executed
// again in a new Job.
func TestDeletedJobFailsTheRun(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("orphaned", ns).Obj())
	job := waitJob(t, ns, "orphaned-runner")
	eventually(t, 10*time.Second, "the run records its Job", func() error {
		if c := findCondition(getRun(t, ns, "orphaned"), v1alpha1.ConditionRunning); c == nil || c.Reason != v1alpha1.ReasonWaitingForPods {
			return fmt.Errorf("running condition %+v", c)
		}
		return nil
	})
	if err := k8sClient.Delete(context.Background(), job, client.PropagationPolicy(metav1.DeletePropagationBackground)); err != nil {
		t.Fatalf("deleting the job: %v", err)
	}
	run := waitPhase(t, ns, "orphaned", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonJobDeleted || !strings.Contains(c.Message, "orphaned-runner") {
		t.Errorf("failed condition = %+v, want reason %s naming the Job", c, v1alpha1.ReasonJobDeleted)
	}
	consistently(t, 2*time.Second, "no new Job", func() error {
		if jobs := listJobs(t, ns); len(jobs) != 0 {
			return fmt.Errorf("%d jobs, the first %s", len(jobs), jobs[0].Name)
		}
		return nil
	})
	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
}

// TestFinishedJobIsRemovedAfterTheRunRecordedIt (defect 6): finished Jobs
// are cleaned up by the controller, --job-ttl after the run recorded its
// end, never by the Job's own ttlSecondsAfterFinished, which could remove a
// Job before a stopped or slow manager recorded its outcome (and the run
// then ran again).
func TestFinishedJobIsRemovedAfterTheRunRecordedIt(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns, withJobTTL(time.Second))
	create(t, testutil.MakeForecastRun("tidy", ns).Obj())
	job := waitJob(t, ns, "tidy-runner")
	if ttl := job.Spec.TTLSecondsAfterFinished; ttl != nil {
		t.Errorf("the Job has ttlSecondsAfterFinished %d: it could go before its outcome is recorded", *ttl)
	}
	finishJob(t, ns, "tidy-runner", true)
	waitPhase(t, ns, "tidy", v1alpha1.PhaseSucceeded)
	eventually(t, 10*time.Second, "the finished Job is removed", jobGone(ns, "tidy-runner"))
	consistently(t, 2*time.Second, "the run stays Succeeded and is not executed again", func() error {
		if n := len(listJobs(t, ns)); n != 0 {
			return fmt.Errorf("%d jobs", n)
		}
		return phaseIs(ns, "tidy", v1alpha1.PhaseSucceeded)()
	})
}
