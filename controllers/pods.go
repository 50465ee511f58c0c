package controllers

import (
	"context"
	"fmt"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
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
// and Pod carries, so this works for a run that no longer exists too.
func executionOf(ctx context.Context, reader client.Reader, ns string, uid types.UID) (execution, error) {
	sel := client.MatchingLabels{labelRunUID: string(uid)}
	var pods corev1.PodList
	if err := reader.List(ctx, &pods, client.InNamespace(ns), sel); err != nil {
		return execution{}, fmt.Errorf("listing the Pods of run %s: %w", uid, err)
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
		return execution{}, fmt.Errorf("listing the Jobs of run %s: %w", uid, err)
	}
	for i := range jobs.Items {
		if jobUnfinished(&jobs.Items[i]) {
			e.unfinishedJob = jobs.Items[i].Name
		}
	}
	return e, nil
}
