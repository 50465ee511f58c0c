package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ConcurrencyPolicy says what a schedule does when its time comes while a
// run it created earlier has not finished.
// +kubebuilder:validation:Enum=Queue;Forbid;Replace
type ConcurrencyPolicy string

// Concurrency policies.
const (
	// ConcurrencyQueue creates the new run anyway; it waits behind the
	// active one on their lock.
	ConcurrencyQueue ConcurrencyPolicy = "Queue"
	// ConcurrencyForbid skips the new run while one is active.
	ConcurrencyForbid ConcurrencyPolicy = "Forbid"
	// ConcurrencyReplace cancels the active run and creates the new one.
	ConcurrencyReplace ConcurrencyPolicy = "Replace"
)

// ForecastScheduleSpec is a recurring ForecastRun.
type ForecastScheduleSpec struct {
	// schedule is a cron expression of five fields (minute hour day-of-month
	// month day-of-week), or a descriptor such as @daily or @hourly.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self.matches('^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$') || self.split(' ').filter(f, f != '').size() == 5",message="schedule must be a cron expression of five fields (minute hour day-of-month month day-of-week) or one of @yearly, @monthly, @weekly, @daily, @hourly"
	// +required
	Schedule string `json:"schedule"`

	// timeZone is the IANA time zone the schedule is read in, for example
	// Europe/Berlin. Default UTC.
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z][A-Za-z0-9_+/-]*$`
	// +optional
	TimeZone string `json:"timeZone,omitempty"`

	// runTemplate is the ForecastRun each scheduled time creates.
	// +required
	RunTemplate ForecastRunTemplate `json:"runTemplate"`

	// concurrencyPolicy says what happens when a scheduled time comes while
	// an earlier run of this schedule is still queued or running: Queue
	// creates the new run behind it, Forbid skips the new run, Replace
	// cancels the earlier run and creates the new one.
	// +kubebuilder:default=Queue
	// +optional
	ConcurrencyPolicy ConcurrencyPolicy `json:"concurrencyPolicy,omitempty"`

	// startingDeadlineSeconds is how late a run may still be created for its
	// scheduled time, for example after the manager was down. A missed time
	// older than this is skipped and reported. Unset: no deadline, only the
	// latest missed time is caught up.
	// +kubebuilder:validation:Minimum=1
	// +optional
	StartingDeadlineSeconds *int64 `json:"startingDeadlineSeconds,omitempty"`

	// successfulRunsHistoryLimit is how many succeeded runs are kept; older
	// ones are deleted.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=0
	// +optional
	SuccessfulRunsHistoryLimit *int32 `json:"successfulRunsHistoryLimit,omitempty"`

	// failedRunsHistoryLimit is how many failed, rejected or cancelled runs
	// are kept; older ones are deleted.
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=0
	// +optional
	FailedRunsHistoryLimit *int32 `json:"failedRunsHistoryLimit,omitempty"`

	// suspend, when true, creates no new runs; runs already created go on.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// ForecastRunTemplate is the run a schedule creates.
type ForecastRunTemplate struct {
	// metadata holds labels and annotations copied to every run.
	// +optional
	Metadata TemplateMetadata `json:"metadata,omitempty"`

	// spec is the spec of every run.
	// +required
	Spec ForecastRunSpec `json:"spec"`
}

// TemplateMetadata is the part of an object's metadata a template may set.
type TemplateMetadata struct {
	// labels are copied to every run.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`

	// annotations are copied to every run.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// ForecastScheduleStatus is the observed state of a schedule.
type ForecastScheduleStatus struct {
	// conditions: Ready is True while the schedule is valid and creating
	// runs on time; Stalled is True when its schedule or time zone cannot
	// be read; Suspended mirrors spec.suspend.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// active names the runs of this schedule that have not finished.
	// +listType=atomic
	// +optional
	Active []string `json:"active,omitempty"`

	// lastScheduleTime is the latest scheduled time a run was created for.
	// +optional
	LastScheduleTime *metav1.Time `json:"lastScheduleTime,omitempty"`

	// lastSuccessfulTime is when the latest succeeded run finished.
	// +optional
	LastSuccessfulTime *metav1.Time `json:"lastSuccessfulTime,omitempty"`

	// lastSkippedTime is the latest scheduled time no run was created for,
	// because of concurrencyPolicy Forbid or a missed starting deadline.
	// +optional
	LastSkippedTime *metav1.Time `json:"lastSkippedTime,omitempty"`

	// nextScheduleTime is the next time a run will be created.
	// +optional
	NextScheduleTime *metav1.Time `json:"nextScheduleTime,omitempty"`
}

// ForecastSchedule creates ForecastRuns on a cron schedule, one per
// scheduled time, named after that time.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=fs,categories=forecasting
// +kubebuilder:validation:XValidation:rule="self.metadata.name.size() <= 40",message="a ForecastSchedule name is at most 40 characters: its runs are named <schedule>-<YYYYMMDD>-<HHMM> and their Jobs add -runner, which must fit in 63"
// +kubebuilder:printcolumn:name="Schedule",type=string,JSONPath=`.spec.schedule`
// +kubebuilder:printcolumn:name="TimeZone",type=string,JSONPath=`.spec.timeZone`
// +kubebuilder:printcolumn:name="Suspend",type=boolean,JSONPath=`.spec.suspend`
// +kubebuilder:printcolumn:name="Active",type=string,JSONPath=`.status.active[*]`
// +kubebuilder:printcolumn:name="Last Schedule",type=date,JSONPath=`.status.lastScheduleTime`
// +kubebuilder:printcolumn:name="Next",type=string,JSONPath=`.status.nextScheduleTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Policy",type=string,JSONPath=`.spec.concurrencyPolicy`,priority=1
// +kubebuilder:printcolumn:name="Mode",type=string,JSONPath=`.spec.runTemplate.spec.mode`,priority=1
type ForecastSchedule struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired schedule.
	// +required
	Spec ForecastScheduleSpec `json:"spec"`

	// status is the observed state of the schedule.
	// +optional
	Status ForecastScheduleStatus `json:"status,omitempty"`
}

// ForecastScheduleList is a list of ForecastSchedules.
//
// +kubebuilder:object:root=true
type ForecastScheduleList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ForecastSchedule `json:"items"`
}

func init() {
	SchemeBuilder.Register(&ForecastSchedule{}, &ForecastScheduleList{})
}
