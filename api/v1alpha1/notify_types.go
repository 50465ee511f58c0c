package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// NotifyTarget is one receiver of a run's notifications.
type NotifyTarget struct {
	// name identifies the target in status.notifications.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +required
	Name string `json:"name"`

	// urlSecretRef names the key of a Secret in the run's namespace that
	// holds the webhook URL: a webhook URL is a credential (a Slack
	// incoming webhook posts to a channel for whoever knows it), so it is
	// never written in the spec. Its creator must be allowed to get that
	// Secret. The manager reaches it only on addresses its URL policy
	// (--dataset-allowed-hosts) allows, as for dataset URLs.
	// +required
	URLSecretRef SecretKeyRef `json:"urlSecretRef"`

	// format of the message: JSON (a plain JSON object, the default),
	// Slack (an incoming-webhook message) or CloudEvents (a CloudEvents 1.0
	// event in structured mode, application/cloudevents+json).
	// +kubebuilder:default=JSON
	// +optional
	Format NotifyFormat `json:"format,omitempty"`

	// phases are the moments that send a message: any of Running,
	// Succeeded, Failed, Cancelled, Rejected and Preempted (the run was
	// stopped for an Urgent one and went back to the queue). Default:
	// Succeeded and Failed.
	// +kubebuilder:validation:MaxItems=6
	// +listType=set
	// +optional
	Phases []NotifyPhase `json:"phases,omitempty"`
}

// SecretKeyRef names one key of a Secret in the run's namespace.
type SecretKeyRef struct {
	// name of the Secret.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`

	// key in the Secret's data.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Key string `json:"key"`
}

// NotifyFormat is the shape of a notification message.
// +kubebuilder:validation:Enum=JSON;Slack;CloudEvents
type NotifyFormat string

// Notification formats.
const (
	NotifyJSON        NotifyFormat = "JSON"
	NotifySlack       NotifyFormat = "Slack"
	NotifyCloudEvents NotifyFormat = "CloudEvents"
)

// NotifyPhase is a moment in a run's life that can send a message: a phase,
// or Preempted.
// +kubebuilder:validation:Enum=Running;Succeeded;Failed;Cancelled;Rejected;Preempted
type NotifyPhase string

// NotifyPreempted is the moment a running run is stopped for an Urgent run
// and goes back to the queue; its phase is then Queued again.
const NotifyPreempted NotifyPhase = "Preempted"

// DefaultNotifyPhases are the phases of a target that names none.
var DefaultNotifyPhases = []NotifyPhase{NotifyPhase(PhaseSucceeded), NotifyPhase(PhaseFailed)}

// NotificationState is where one notification stands.
// +kubebuilder:validation:Enum=Pending;Sent;Failed
type NotificationState string

// Notification states.
const (
	// NotificationPending: due, or being retried.
	NotificationPending NotificationState = "Pending"
	// NotificationSent: a receiver answered 2xx.
	NotificationSent NotificationState = "Sent"
	// NotificationFailed: given up; lastError says why.
	NotificationFailed NotificationState = "Failed"
)

// NotificationStatus records one message to one target.
type NotificationStatus struct {
	// id is the event's ID, the same on every attempt and for every target,
	// so that a receiver can drop repeats: "<run UID>/<phase>", or
	// "<run UID>/Preempted/<n>" for the run's n-th preemption.
	// +required
	ID string `json:"id"`

	// target is the name of the spec.notify entry.
	// +required
	Target string `json:"target"`

	// phase is the moment the message is about.
	// +required
	Phase NotifyPhase `json:"phase"`

	// state is Pending until a receiver answers 2xx (Sent) or the manager
	// gives up (Failed).
	// +required
	State NotificationState `json:"state"`

	// attempts counts the deliveries begun. An attempt is recorded before
	// the message leaves, so a manager that stops mid-delivery sends it
	// again (with the same id) after its restart.
	// +optional
	Attempts int32 `json:"attempts,omitempty"`

	// lastAttemptAt is when the last attempt began.
	// +optional
	LastAttemptAt *metav1.Time `json:"lastAttemptAt,omitempty"`

	// nextAttemptAt is when a Pending message is tried again.
	// +optional
	NextAttemptAt *metav1.Time `json:"nextAttemptAt,omitempty"`

	// sentAt is when a receiver accepted the message.
	// +optional
	SentAt *metav1.Time `json:"sentAt,omitempty"`

	// lastError says why the last attempt failed.
	// +optional
	LastError string `json:"lastError,omitempty"`
}
