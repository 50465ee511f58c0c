package controllers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestPodsThatNeverStartFailAtTheStartupTimeout (defect 3): a run whose
// Pods cannot start (an image that cannot be pulled, no node that takes
// them, a quota that refuses them) used to hold its lock for as long as
// its Job existed, blocking every other run. It now fails once its startup
// timeout has passed, with the Pods' own reason and message, and the next
// run is admitted.
func TestPodsThatNeverStartFailAtTheStartupTimeout(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, reason, message string
		// block makes the Job's Pods unable to start, as the cluster would.
		block func(t *testing.T, job *batchv1.Job)
	}{
		{"image", "ErrImagePull", `failed to pull image "registry.example/forecastrun:typo"`, func(t *testing.T, job *batchv1.Job) {
			createRunnerPod(t, job, "node-a", corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{{
				Name: "runner", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{
					Reason: "ErrImagePull", Message: `failed to pull image "registry.example/forecastrun:typo": not found`,
				}},
			}}})
		}},
		{"taint", "Unschedulable", "untolerated taint", func(t *testing.T, job *batchv1.Job) {
			createRunnerPod(t, job, "", corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{{
				Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: corev1.PodReasonUnschedulable,
				Message: "0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: batch}.",
			}}})
		}},
		{"quota", "FailedCreate", "exceeded quota: compute", func(t *testing.T, job *batchv1.Job) {
			create(t, &corev1.Event{
				ObjectMeta:     metav1.ObjectMeta{Name: job.Name + ".failedcreate", Namespace: job.Namespace},
				InvolvedObject: corev1.ObjectReference{Kind: "Job", APIVersion: "batch/v1", Name: job.Name, Namespace: job.Namespace, UID: job.UID},
				Reason:         "FailedCreate", Type: corev1.EventTypeWarning, Source: corev1.EventSource{Component: "job-controller"},
				Message: fmt.Sprintf(`Error creating: pods "%s-x" is forbidden: exceeded quota: compute, requested: cpu=1, used: cpu=4, limited: cpu=4`, job.Name),
			})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ns := newNamespace(t)
			startManager(t, ns, withStartupTimeout(3*time.Second))
			create(t, testutil.MakeForecastRun("stuck", ns).Horizon(1).Obj())
			job := waitJob(t, ns, "stuck-runner")
			tc.block(t, job)
			create(t, testutil.MakeForecastRun("next", ns).Horizon(2).Obj())
			eventually(t, 10*time.Second, "the run says what its Pods wait for", func() error {
				if c := findCondition(getRun(t, ns, "stuck"), v1alpha1.ConditionRunning); c == nil || !strings.Contains(c.Message, tc.message) {
					return fmt.Errorf("running condition %+v", c)
				}
				return nil
			})
			run := waitPhase(t, ns, "stuck", v1alpha1.PhaseFailed)
			c := findCondition(run, v1alpha1.ConditionFailed)
			if c == nil || c.Reason != tc.reason || !strings.Contains(c.Message, tc.message) || !strings.Contains(c.Message, "startupTimeout 3s") {
				t.Errorf("failed condition = %+v, want reason %s and a message with %q and the timeout", c, tc.reason, tc.message)
			}
			finishStuckPods(t, ns)
			waitPhase(t, ns, "next", v1alpha1.PhaseRunning)
			waitJob(t, ns, "next-runner")
		})
	}
}

// TestStalledProgressFailsAtTheProgressDeadline (defect 3): a run whose
// Pods started but whose progress then stopped moving fails once its
// progress deadline has passed, saying so, and lets go of the lock.
func TestStalledProgressFailsAtTheProgressDeadline(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns, withProgressDeadline(3*time.Second))
	create(t, testutil.MakeForecastRun("stalled", ns).Obj())
	waitJob(t, ns, "stalled-runner")
	run := waitPhase(t, ns, "stalled", v1alpha1.PhaseRunning)
	reportShard(t, ns, "stalled", 0, 5, 50, run.Status.FencingToken)
	eventually(t, 10*time.Second, "the Pods count as started", func() error {
		if c := findCondition(getRun(t, ns, "stalled"), v1alpha1.ConditionRunning); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("running condition %+v", c)
		}
		return nil
	})
	run = waitPhase(t, ns, "stalled", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonProgressDeadlineExceeded || !strings.Contains(c.Message, "no progress for 3s") {
		t.Errorf("failed condition = %+v, want reason %s", c, v1alpha1.ReasonProgressDeadlineExceeded)
	}
	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
}

// finishStuckPods plays the kubelet of every Pod in ns that was told to
// stop: it is removed for good.
func finishStuckPods(t *testing.T, ns string) {
	t.Helper()
	eventually(t, 20*time.Second, "the stuck Pods are gone", func() error {
		var pods corev1.PodList
		if err := k8sClient.List(context.Background(), &pods, inNS(ns)); err != nil {
			return err
		}
		for i := range pods.Items {
			if !pods.Items[i].DeletionTimestamp.IsZero() {
				deletePodNow(t, &pods.Items[i])
			}
		}
		if len(pods.Items) > 0 {
			return fmt.Errorf("%d pods left", len(pods.Items))
		}
		return nil
	})
}

// TestSuspendedJobWaitsForItsQueue: a run whose podTemplate names a Kueue
// queue gets a Job with that label; Kueue suspends it until the queue has
// room. While it is suspended the startup timeout does not count (the run
// says what it waits for); once resumed, it does.
func TestSuspendedJobWaitsForItsQueue(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns, withStartupTimeout(2*time.Second))
	run := testutil.MakeForecastRun("queued-in-kueue", ns).Obj()
	run.Spec.PodTemplate = &v1alpha1.RunnerPodTemplate{Metadata: v1alpha1.RunnerPodMetadata{
		Labels: map[string]string{"kueue.x-k8s.io/queue-name": "forecasting"},
	}}
	create(t, run)
	job := waitJob(t, ns, "queued-in-kueue-runner")
	if job.Labels["kueue.x-k8s.io/queue-name"] != "forecasting" {
		t.Fatalf("job labels %v, want Kueue's queue-name", job.Labels)
	}
	setSuspended(t, job, true) // as Kueue's webhook does until it admits the Job
	eventually(t, 10*time.Second, "the run says its Job is suspended", func() error {
		if c := findCondition(getRun(t, ns, "queued-in-kueue"), v1alpha1.ConditionRunning); c == nil || c.Reason != v1alpha1.ReasonJobSuspended {
			return fmt.Errorf("running condition %+v", c)
		}
		return nil
	})
	consistently(t, 3*time.Second, "no startup timeout while suspended", phaseIs(ns, "queued-in-kueue", v1alpha1.PhaseRunning))
	setSuspended(t, job, false) // Kueue admits it, but its Pods never start
	run = waitPhase(t, ns, "queued-in-kueue", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonStartupTimeout {
		t.Errorf("failed condition = %+v, want reason %s", c, v1alpha1.ReasonStartupTimeout)
	}
}

// setSuspended suspends or resumes a Job, with the Suspended condition the
// Job controller would add.
func setSuspended(t *testing.T, job *batchv1.Job, suspend bool) {
	t.Helper()
	ctx := context.Background()
	eventually(t, 10*time.Second, "the job is updated", func() error {
		var j batchv1.Job
		if err := k8sClient.Get(ctx, keyOf(job.Namespace, job.Name), &j); err != nil {
			return err
		}
		j.Spec.Suspend = &suspend
		if err := k8sClient.Update(ctx, &j); err != nil {
			return err
		}
		status := corev1.ConditionFalse
		if suspend {
			status = corev1.ConditionTrue
		}
		now := metav1.Now()
		j.Status.Conditions = []batchv1.JobCondition{{Type: batchv1.JobSuspended, Status: status, Reason: "JobSuspended", LastTransitionTime: now, LastProbeTime: now}}
		return k8sClient.Status().Update(ctx, &j)
	})
}
