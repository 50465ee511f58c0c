package provider

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// initialStatus starts from the status in the API so that fields others own
// (PodScheduled from the binding, qosClass) survive our status updates.
func initialStatus(pod *corev1.Pod, hostIP string) corev1.PodStatus {
	s := *pod.Status.DeepCopy()
	s.Phase = corev1.PodPending
	s.HostIP = hostIP
	s.HostIPs = []corev1.HostIP{{IP: hostIP}}
	now := metav1.Now()
	s.StartTime = &now
	s.InitContainerStatuses = waitingStatuses(pod.Spec.InitContainers, "PodInitializing")
	reason := "ContainerCreating"
	if len(pod.Spec.InitContainers) > 0 {
		reason = "PodInitializing"
	}
	s.ContainerStatuses = waitingStatuses(pod.Spec.Containers, reason)
	setCondition(&s, corev1.PodReadyToStartContainers, false, "")
	setCondition(&s, corev1.PodInitialized, len(pod.Spec.InitContainers) == 0, "ContainersNotInitialized")
	return s
}

func waitingStatuses(cs []corev1.Container, reason string) []corev1.ContainerStatus {
	out := make([]corev1.ContainerStatus, 0, len(cs))
	for _, c := range cs {
		out = append(out, corev1.ContainerStatus{
			Name:    c.Name,
			Image:   c.Image,
			ImageID: c.Image,
			State:   corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}},
			Started: ptrTo(false),
		})
	}
	return out
}

// containerStatus finds a container's status entry by name.
func containerStatus(s *corev1.PodStatus, name string, initContainer bool) *corev1.ContainerStatus {
	list := s.ContainerStatuses
	if initContainer {
		list = s.InitContainerStatuses
	}
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	// Unreachable for containers from the spec; a throwaway keeps callers simple.
	return &corev1.ContainerStatus{}
}

// markRestart moves a terminated container's state to lastState before it
// starts again.
func markRestart(s *corev1.PodStatus, name string, initContainer bool) {
	cs := containerStatus(s, name, initContainer)
	cs.LastTerminationState = cs.State
	cs.RestartCount++
	cs.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}
}

// recompute derives phase and readiness from the container states. A
// finished Pod (no container will run again) succeeded only if every
// container exited 0.
func recompute(s *corev1.PodStatus, pod *corev1.Pod, finished bool) {
	running, allOK := 0, true
	for _, cs := range s.ContainerStatuses {
		switch {
		case cs.State.Running != nil:
			running++
		case cs.State.Terminated == nil || cs.State.Terminated.ExitCode != 0:
			allOK = false
		}
	}
	for _, cs := range s.InitContainerStatuses {
		if cs.State.Terminated != nil && cs.State.Terminated.ExitCode != 0 {
			allOK = false
		}
	}
	switch {
	case finished && allOK:
		s.Phase = corev1.PodSucceeded
	case finished:
		s.Phase = corev1.PodFailed
	case running > 0 || anyStarted(s.ContainerStatuses):
		s.Phase = corev1.PodRunning
	default:
		s.Phase = corev1.PodPending
	}
	ready := !finished && running == len(pod.Spec.Containers)
	reason := "ContainersNotReady"
	if finished {
		reason = "PodCompleted"
	}
	setCondition(s, corev1.ContainersReady, ready, reason)
	setCondition(s, corev1.PodReady, ready, reason)
}

func anyStarted(list []corev1.ContainerStatus) bool {
	for _, cs := range list {
		if cs.State.Running != nil || cs.State.Terminated != nil || cs.RestartCount > 0 {
			return true
		}
	}
	return false
}

// setCondition sets a condition, keeping its transition time when its
// status did not change.
func setCondition(s *corev1.PodStatus, t corev1.PodConditionType, ok bool, falseReason string) {
	status, reason := corev1.ConditionTrue, ""
	if !ok {
		status, reason = corev1.ConditionFalse, falseReason
	}
	for i := range s.Conditions {
		c := &s.Conditions[i]
		if c.Type != t {
			continue
		}
		if c.Status != status {
			c.Status, c.LastTransitionTime = status, metav1.Now()
		}
		c.Reason = reason
		return
	}
	s.Conditions = append(s.Conditions, corev1.PodCondition{
		Type: t, Status: status, Reason: reason, LastTransitionTime: metav1.Now(),
	})
}
