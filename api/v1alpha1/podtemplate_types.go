package v1alpha1

import corev1 "k8s.io/api/core/v1"

// RunnerPodTemplate is what a run may set on its runner Pods: the settings
// a cluster asks of the Pods it admits (where they may run, with what
// priority, from which registry, under which user IDs), and nothing that
// changes what the runner does. The controller merges it with its own Pod
// template: a run's labels and annotations are added to the controller's
// (whose keys cannot be used), the scheduling fields are taken as they
// are, and the security context replaces only the user and group IDs.
// The runner's ServiceAccount is, by default, one the controller creates
// for the run with the least rights it needs; naming another is admitted
// only for someone who may create Pods in the namespace (see the README's
// Security section).
type RunnerPodTemplate struct {
	// metadata holds the labels and annotations of the runner Job and its
	// Pods.
	// +optional
	Metadata RunnerPodMetadata `json:"metadata,omitempty"`

	// spec holds the scheduling and identity settings of the runner Pods.
	// +optional
	Spec RunnerPodSpec `json:"spec,omitempty"`
}

// RunnerPodMetadata is the metadata a run adds to its runner Job and Pods.
type RunnerPodMetadata struct {
	// labels are put on the runner Job and on its Pods, for example
	// kueue.x-k8s.io/queue-name to let Kueue admit the Job, or the labels a
	// NetworkPolicy selects. Keys the controller and the Job controller set
	// themselves (forecasting.dev/..., app.kubernetes.io/managed-by,
	// batch.kubernetes.io/..., controller-uid, job-name) are refused.
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('forecasting.dev/') && k != 'app.kubernetes.io/managed-by' && !k.startsWith('batch.kubernetes.io/') && k != 'controller-uid' && k != 'job-name')",message="labels may not use the keys the controller sets: forecasting.dev/..., app.kubernetes.io/managed-by, batch.kubernetes.io/..., controller-uid, job-name"
	// +kubebuilder:validation:XValidation:rule="self.all(k, size(k) <= 316 && size(self[k]) <= 63)",message="label keys are at most 253 characters of prefix and 63 of name, and label values at most 63 characters"
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// annotations are put on the runner Job and on its Pods, for example
	// cluster-autoscaler.kubernetes.io/safe-to-evict.
	// +kubebuilder:validation:MaxProperties=32
	// +kubebuilder:validation:XValidation:rule="self.all(k, !k.startsWith('forecasting.dev/'))",message="annotations may not use the forecasting.dev/ prefix, which the controller owns"
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// RunnerPodSpec is the part of a Pod spec a run may set.
type RunnerPodSpec struct {
	// nodeSelector restricts the runner Pods to nodes with these labels,
	// for example a batch node pool.
	// +kubebuilder:validation:MaxProperties=32
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`

	// tolerations let the runner Pods run on tainted nodes, for example a
	// batch node pool tainted so that only batch work lands there.
	// +kubebuilder:validation:MaxItems=32
	// +listType=atomic
	// +optional
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`

	// affinity is the runner Pods' node affinity and Pod (anti-)affinity.
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`

	// priorityClassName is the PriorityClass of the runner Pods, which
	// decides which Pods the scheduler preempts first. It is unrelated to
	// spec.priority, which orders runs on their lock.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	PriorityClassName string `json:"priorityClassName,omitempty"`

	// imagePullSecrets name Secrets in the run's namespace that hold the
	// credentials for pulling the runner image from a private registry.
	// +kubebuilder:validation:MaxItems=8
	// +listType=atomic
	// +optional
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`

	// runtimeClassName is the RuntimeClass of the runner Pods, for example
	// gvisor or kata for sandboxed runtimes.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	RuntimeClassName *string `json:"runtimeClassName,omitempty"`

	// serviceAccountName runs the runner Pods as this ServiceAccount of the
	// run's namespace instead of the one the controller creates for the run,
	// for example one that a cloud's workload identity maps to a role that
	// may read the dataset's bucket. The controller binds the run's minimal
	// Role (read this run, report its progress, read its dataset
	// ConfigMap) to it. Using a ServiceAccount is a right of whoever may
	// create Pods: a run that names one is admitted only when its creator
	// may create Pods or Jobs in the namespace.
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty"`

	// securityContext sets the user and group IDs of the runner Pods. When
	// unset, they run as user, group and fsGroup 65532 (the image's user).
	// When set, exactly the IDs given here are used and the others are left
	// to the platform: on OpenShift, `securityContext: {}` lets the
	// restricted SCC assign a user from the namespace's range. The runner
	// always runs as non-root with no capabilities, no privilege
	// escalation, a read-only root filesystem and the runtime's default
	// seccomp profile.
	// +optional
	SecurityContext *RunnerSecurityContext `json:"securityContext,omitempty"`
}

// RunnerSecurityContext is the part of a Pod security context a run may
// set: user and group IDs, never privileges.
type RunnerSecurityContext struct {
	// runAsUser is the user ID the runner runs as; unset leaves it to the
	// platform or the image. Root (0) is refused.
	// +kubebuilder:validation:Minimum=1
	// +optional
	RunAsUser *int64 `json:"runAsUser,omitempty"`

	// runAsGroup is the primary group ID of the runner; unset leaves it to
	// the platform or the image.
	// +kubebuilder:validation:Minimum=0
	// +optional
	RunAsGroup *int64 `json:"runAsGroup,omitempty"`

	// fsGroup owns the output volume's files so that the runner can write
	// them; unset leaves it to the platform.
	// +kubebuilder:validation:Minimum=0
	// +optional
	FSGroup *int64 `json:"fsGroup,omitempty"`

	// supplementalGroups are further group IDs of the runner, for example
	// the group that may read a shared dataset volume.
	// +kubebuilder:validation:MaxItems=16
	// +listType=atomic
	// +optional
	SupplementalGroups []int64 `json:"supplementalGroups,omitempty"`
}
