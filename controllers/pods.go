package controllers

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// A run's lock passes only when nothing of the run can still execute: no
// Job of it that has not finished (a Job deleted in the foreground stays
// until the garbage collector has removed its Pods) and no Pod of it that
// has not terminated. A Pod on a slow or unreachable node stays, terminating,
// until its kubelet confirms that its containers stopped, or until an
// administrator removes the node; until then the lock stays where it is,
// because two executions of one lock beside each other are what the lock
// exists to prevent.

// execution is what may still execute of one run: its live Pods and
// whether it has a Job that has not finished.
type execution struct {
	// livePods counts the run's Pods that have not terminated, from any
	// hold of the lock.
	livePods int
	// examplePod names one of them, for messages.
	examplePod string
	// unfinishedJob names a Job of the run that has not finished.
	unfinishedJob string
}

// executing reports whether anything of the run may still run.
func (e execution) executing() bool { return e.livePods > 0 || e.unfinishedJob != "" }

// describe says what is still executing, for a person.
func (e execution) describe() string {
	switch {
	case e.livePods == 1:
		return fmt.Sprintf("1 runner Pod (%s) still has to terminate", e.examplePod)
	case e.livePods > 1:
		return fmt.Sprintf("%d runner Pods (%s, ...) still have to terminate", e.livePods, e.examplePod)
	case e.unfinishedJob != "":
		return fmt.Sprintf("runner Job %s is still being stopped", e.unfinishedJob)
	}
	return ""
}

// podTerminated reports whether a Pod's containers have stopped for good.
func podTerminated(pod *corev1.Pod) bool {
	return pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed
}

// executionOf reads what may still execute of the run with uid, through
// reader: its Pods and Jobs are found by the run-uid label every runner Job
// and Pod carries, so this works for a run that no longer exists too. It
// also returns the Pods themselves.
func executionOf(ctx context.Context, reader client.Reader, ns string, uid types.UID) (execution, []corev1.Pod, error) {
	sel := client.MatchingLabels{labelRunUID: string(uid)}
	var pods corev1.PodList
	if err := reader.List(ctx, &pods, client.InNamespace(ns), sel); err != nil {
		return execution{}, nil, fmt.Errorf("listing the Pods of run %s: %w", uid, err)
	}
	var e execution
	for i := range pods.Items {
		if !podTerminated(&pods.Items[i]) {
			e.livePods++
			e.examplePod = pods.Items[i].Name
		}
	}
	var jobs batchv1.JobList
	if err := reader.List(ctx, &jobs, client.InNamespace(ns), sel); err != nil {
		return execution{}, nil, fmt.Errorf("listing the Jobs of run %s: %w", uid, err)
	}
	for i := range jobs.Items {
		if jobUnfinished(&jobs.Items[i]) {
			e.unfinishedJob = jobs.Items[i].Name
		}
	}
	return e, pods.Items, nil
}

// podsOfJob are the Pods the Job controls, among the run's Pods.
func podsOfJob(pods []corev1.Pod, job *batchv1.Job) []corev1.Pod {
	var out []corev1.Pod
	for _, pod := range pods {
		if owner := metav1.GetControllerOf(&pod); owner != nil && owner.UID == job.UID {
			out = append(out, pod)
		}
	}
	return out
}

// startedPods counts the Job's Pods that have started: running or done,
// as the Pods themselves or the Job's counts say.
func startedPods(pods []corev1.Pod, job *batchv1.Job) int32 {
	var n int32
	for i := range pods {
		if p := pods[i].Status.Phase; p == corev1.PodRunning || p == corev1.PodSucceeded {
			n++
		}
	}
	return max(n, ptr.Deref(job.Status.Ready, 0)+job.Status.Succeeded)
}

// waitingPodReasons are the waiting reasons of a container that is on its
// way to start, rather than stuck.
var waitingPodReasons = map[string]bool{"ContainerCreating": true, "PodInitializing": true}

// whyNotStarted is the reason and message of the first Pod that is stuck
// before starting: a container waiting for something other than its own
// creation (ErrImagePull, ImagePullBackOff, CreateContainerConfigError,
// ...), or the scheduler's reason for not placing it (Unschedulable). ok is
// false when no Pod gives a reason.
func whyNotStarted(pods []corev1.Pod) (reason, message string, ok bool) {
	for i := range pods {
		pod := &pods[i]
		if pod.Status.Phase != corev1.PodPending || !pod.DeletionTimestamp.IsZero() {
			continue
		}
		for _, cs := range append(pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses...) {
			if w := cs.State.Waiting; w != nil && w.Reason != "" && !waitingPodReasons[w.Reason] {
				return w.Reason, fmt.Sprintf("pod %s: %s: %s", pod.Name, w.Reason, w.Message), true
			}
		}
		for _, c := range pod.Status.Conditions {
			if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason != "" {
				return c.Reason, fmt.Sprintf("pod %s: %s: %s", pod.Name, c.Reason, c.Message), true
			}
		}
	}
	return "", "", false
}

// failedCreate reads the Job controller's latest FailedCreate event about
// job, which is where a quota or an admission policy that refuses its Pods
// is reported; "" when there is none.
func failedCreate(ctx context.Context, reader client.Reader, job *batchv1.Job) (string, error) {
	var events corev1.EventList
	err := reader.List(ctx, &events, client.InNamespace(job.Namespace),
		client.MatchingFields{"involvedObject.uid": string(job.UID), "reason": "FailedCreate"})
	if err != nil {
		return "", fmt.Errorf("listing the events of job %s: %w", job.Name, err)
	}
	var latest *corev1.Event
	for i := range events.Items {
		if e := &events.Items[i]; latest == nil || eventTime(e).After(eventTime(latest)) {
			latest = e
		}
	}
	if latest == nil {
		return "", nil
	}
	return latest.Message, nil
}

func eventTime(e *corev1.Event) time.Time {
	for _, t := range []time.Time{e.LastTimestamp.Time, e.EventTime.Time, e.CreationTimestamp.Time} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// lastPodFailure says why the most recent of the Job's failed Pods ended,
// as the kubelet reported it (OOMKilled with the memory limit it went over,
// an exit code, an eviction); "" when none has failed.
func lastPodFailure(pods []corev1.Pod) string {
	var latest *corev1.Pod
	var at time.Time
	for i := range pods {
		p := &pods[i]
		if p.Status.Phase != corev1.PodFailed {
			continue
		}
		if t := podFailedAt(p); latest == nil || t.After(at) {
			latest, at = p, t
		}
	}
	if latest == nil {
		return ""
	}
	return describePodFailure(latest)
}

func describePodFailure(p *corev1.Pod) string {
	for _, cs := range p.Status.ContainerStatuses {
		t := cs.State.Terminated
		if t == nil || t.ExitCode == 0 {
			continue
		}
		msg := fmt.Sprintf("runner Pod %s: container %s ended %s with exit code %d", p.Name, cs.Name, t.Reason, t.ExitCode)
		if lim := memoryLimit(p, cs.Name); t.Reason == "OOMKilled" && lim != "" {
			msg += ", over its memory limit of " + lim
		}
		return msg
	}
	if p.Status.Reason != "" {
		return fmt.Sprintf("runner Pod %s: %s: %s", p.Name, p.Status.Reason, p.Status.Message)
	}
	return fmt.Sprintf("runner Pod %s failed", p.Name)
}

// podFailedAt is when a failed Pod's container ended, or when the Pod was
// created if no container did.
func podFailedAt(p *corev1.Pod) time.Time {
	at := p.CreationTimestamp.Time
	for _, cs := range p.Status.ContainerStatuses {
		if t := cs.State.Terminated; t != nil && t.FinishedAt.After(at) {
			at = t.FinishedAt.Time
		}
	}
	return at
}

func memoryLimit(p *corev1.Pod, container string) string {
	for _, c := range p.Spec.Containers {
		if q, ok := c.Resources.Limits[corev1.ResourceMemory]; c.Name == container && ok {
			return q.String()
		}
	}
	return ""
}
