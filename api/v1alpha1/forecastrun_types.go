package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Mode chooses how many items a run forecasts.
// +kubebuilder:validation:Enum=QuickTest;Sample;Standard;Full
type Mode string

// Modes, from cheapest to complete.
const (
	ModeQuickTest Mode = "QuickTest" // 100 items
	ModeSample    Mode = "Sample"    // 500 items
	ModeStandard  Mode = "Standard"  // 1000 items
	ModeFull      Mode = "Full"      // every item
)

// ItemCount is the number of items the mode samples; 0 means every item.
func (m Mode) ItemCount() int {
	switch m {
	case ModeQuickTest:
		return 100
	case ModeSample:
		return 500
	case ModeStandard:
		return 1000
	default:
		return 0
	}
}

// Frequency is the sampling frequency of the dataset's time column.
// +kubebuilder:validation:Enum=hourly;daily;weekly;monthly;quarterly;yearly
type Frequency string

// Metric scores backtest forecasts; lower is better for every metric.
// +kubebuilder:validation:Enum=RMSSE;MASE;sMAPE;RMSE;MAE;WAPE
type Metric string

// Missing is what a period without a row in the dataset means.
// +kubebuilder:validation:Enum=zero;interpolate;unknown
type Missing string

// Priority orders the queue; Urgent also preempts a running Normal run.
// +kubebuilder:validation:Enum=Normal;High;Urgent
type Priority string

// Priorities, lowest first.
const (
	PriorityNormal Priority = "Normal"
	PriorityHigh   Priority = "High"
	PriorityUrgent Priority = "Urgent"
)

// BusyPolicy says what happens to a run whose lock is held by another run.
// +kubebuilder:validation:Enum=Queue;Reject
type BusyPolicy string

// Busy policies.
const (
	BusyQueue  BusyPolicy = "Queue"
	BusyReject BusyPolicy = "Reject"
)

// ModelName names one candidate model of the tournament.
// +kubebuilder:validation:Enum=Naive;HistoricAverage;WindowAverage;SeasonalNaive;RandomWalkWithDrift;SES;CrostonClassic;CrostonSBA;TSB;ADIDA;IMAPA;Holt;DampedHolt;Theta;OptimizedTheta;DynamicOptimizedTheta;HoltWintersAdditive;HoltWintersMultiplicative;MSTL;AutoETS;AutoARIMA;Ensemble
type ModelName string

// ForecastRunSpec is the desired run. In a ForecastRun every field except
// cancel, priority and ttlSecondsAfterFinished is fixed at creation (see
// ForecastRun.Spec).
// +kubebuilder:validation:XValidation:rule="!has(self.parallelism) || self.parallelism <= 1 || has(self.output)",message="parallelism above 1 needs spec.output: the shards merge their results through the output claim or bucket"
type ForecastRunSpec struct {
	// mode chooses how many items are forecast: QuickTest 100, Sample 500,
	// Standard 1000, Full every item. Items are sampled deterministically,
	// stratified by demand class.
	// +kubebuilder:default=QuickTest
	// +optional
	Mode Mode `json:"mode,omitempty"`

	// itemLimit, when set, overrides the mode's item count.
	// +kubebuilder:validation:Minimum=1
	// +optional
	ItemLimit *int32 `json:"itemLimit,omitempty"`

	// dataset is the input: a long CSV with one row per item and period, or
	// a synthetic dataset.
	// +required
	Dataset Dataset `json:"dataset"`

	// horizon is the number of periods to forecast. When unset the runner
	// uses the frequency's usual horizon: hourly 48, daily 14, weekly 13,
	// monthly 18, quarterly 8, yearly 6.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	// +optional
	Horizon *int32 `json:"horizon,omitempty"`

	// metric scores the backtest forecasts that rank each item's
	// candidates. RMSSE is optimal at the mean demand; MASE, MAE and WAPE
	// at the median, which for sparse demand is zero.
	// +kubebuilder:default=RMSSE
	// +optional
	Metric Metric `json:"metric,omitempty"`

	// models are the tournament's candidates; empty means every model.
	// +listType=set
	// +kubebuilder:validation:MaxItems=32
	// +optional
	Models []ModelName `json:"models,omitempty"`

	// backtest configures the rolling-origin evaluation.
	// +kubebuilder:default={}
	// +optional
	Backtest Backtest `json:"backtest,omitempty"`

	// intervals configures the prediction intervals written with each
	// forecast.
	// +kubebuilder:default={}
	// +optional
	Intervals Intervals `json:"intervals,omitempty"`

	// sampling configures how items are chosen when the mode does not take
	// every item.
	// +kubebuilder:default={}
	// +optional
	Sampling Sampling `json:"sampling,omitempty"`

	// priority orders the queue: Urgent before High before Normal. An Urgent
	// run preempts a running Normal run, which resumes later without redoing
	// finished items. May be changed while the run is queued.
	// +kubebuilder:default=Normal
	// +optional
	Priority Priority `json:"priority,omitempty"`

	// whenBusy says what happens when another run holds the lock: Queue
	// waits for it, Reject ends this run at once as Rejected.
	// +kubebuilder:default=Queue
	// +optional
	WhenBusy BusyPolicy `json:"whenBusy,omitempty"`

	// lockName names the Lease, in the run's namespace, that lets one run at
	// a time execute. Runs with different lock names do not exclude each
	// other.
	// +kubebuilder:default=forecast-pipeline
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	// +optional
	LockName string `json:"lockName,omitempty"`

	// parallelism is the number of runner Pods; each forecasts its own shard
	// of the items.
	// +kubebuilder:default=1
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=64
	// +optional
	Parallelism int32 `json:"parallelism,omitempty"`

	// resources are the compute resources of each runner Pod.
	// +optional
	Resources *corev1.ResourceRequirements `json:"resources,omitempty"`

	// timeout bounds the run's execution time (for example "30m"); a run
	// still running then fails and releases the lock.
	// +kubebuilder:validation:XValidation:rule="duration(self) > duration('0s')",message="timeout must be a positive duration such as 30m or 1h"
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// queueTimeout bounds how long the run may wait in the queue (for
	// example "2h"); a run still queued then fails.
	// +kubebuilder:validation:XValidation:rule="duration(self) > duration('0s')",message="queueTimeout must be a positive duration such as 10m or 2h"
	// +optional
	QueueTimeout *metav1.Duration `json:"queueTimeout,omitempty"`

	// startupTimeout bounds how long the runner Pods may take to start once
	// the run holds its lock (for example "10m"). A run whose Pods are
	// still not all running then fails with the Pods' own reason
	// (ErrImagePull, Unschedulable, FailedCreate with the quota's message,
	// ...) and releases the lock, so that Pods that can never start do not
	// block every other run. Time the Job spends suspended (by a queueing
	// system such as Kueue) does not count. When unset, the manager's
	// --default-startup-timeout (10m unless changed).
	// +kubebuilder:validation:XValidation:rule="duration(self) > duration('0s')",message="startupTimeout must be a positive duration such as 10m"
	// +optional
	StartupTimeout *metav1.Duration `json:"startupTimeout,omitempty"`

	// progressDeadline fails a run whose Pods have started but whose
	// progress has not moved for this long (for example "30m"): no shard
	// reported a new item count or message. When unset, the manager's
	// --default-progress-deadline (30m unless changed; 0 there turns the
	// check off for runs that do not set it).
	// +kubebuilder:validation:XValidation:rule="duration(self) > duration('0s')",message="progressDeadline must be a positive duration such as 30m"
	// +optional
	ProgressDeadline *metav1.Duration `json:"progressDeadline,omitempty"`

	// ttlSecondsAfterFinished deletes the run this many seconds after it
	// finished and let go of its lock, as Jobs do; 0 deletes it as soon as
	// it has. When unset, the manager's --default-ttl-after-finished
	// decides (by default runs are kept). Unlike the rest of the spec it may
	// be changed at any time.
	// +kubebuilder:validation:Minimum=0
	// +optional
	TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty"`

	// output is where the result files and the checkpoints are written.
	// When unset, results stay in the runner Pod and only status.result is
	// kept; the checkpoints then live in the Pod's scratch space too, so a
	// replaced Pod (after a crash, a node drain, or a preemption by an
	// Urgent run) starts its items from the beginning. Set output for runs
	// that take long enough for that to matter.
	// +optional
	Output *Output `json:"output,omitempty"`

	// podTemplate fits the runner Pods to the cluster they land in: labels
	// and annotations (of the Job too, for Kueue's queue-name), node
	// selection, tolerations and affinity, priority class, image pull
	// secrets, runtime class, the user and group IDs, and the ServiceAccount
	// (admitted only for someone who may create Pods in the namespace).
	// What the runner does (its command, environment, volumes and its
	// restricted security profile) is the controller's and cannot be
	// changed.
	// +optional
	PodTemplate *RunnerPodTemplate `json:"podTemplate,omitempty"`

	// cancel, set to true, stops a queued or running run: it ends Cancelled
	// and the lock is released. It cannot be set back to false.
	// +optional
	Cancel bool `json:"cancel,omitempty"`

	// notify sends a message to each target when the run reaches one of the
	// target's phases (Succeeded and Failed by default): to a JSON webhook,
	// a Slack incoming webhook or a CloudEvents receiver. The manager sends
	// each at least once, with an event ID that stays the same on retries,
	// and records it in status.notifications. Targets may be added or
	// changed while the run goes on; a phase already reached is not
	// announced to a target added later.
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=8
	// +optional
	Notify []NotifyTarget `json:"notify,omitempty"`

	// reuse, when set, finishes the run at once as Succeeded with the result
	// of an identical run (same dataset, settings and runner image) that
	// Succeeded no longer than maxAge ago on the same data, instead of
	// computing it again. The data counts as the same only when its
	// content is: a ConfigMap's UID and resourceVersion, a synthetic
	// dataset's spec, and for a URL, claim file or object the SHA-256 of
	// what the runner read (the runner then decides after reading, before
	// computing). Off when absent.
	// +optional
	Reuse *Reuse `json:"reuse,omitempty"`
}

// Dataset is the run's input: exactly one source, plus how to read it.
// +kubebuilder:validation:XValidation:rule="[has(self.configMap), has(self.persistentVolumeClaim), has(self.url), has(self.objectStore), has(self.synthetic)].filter(x, x).size() == 1",message="dataset must set exactly one source: configMap, persistentVolumeClaim, url, objectStore or synthetic"
type Dataset struct {
	// configMap reads the CSV from a key of a ConfigMap in the run's
	// namespace.
	// +optional
	ConfigMap *ConfigMapSource `json:"configMap,omitempty"`

	// persistentVolumeClaim reads the CSV from a file on a claim in the
	// run's namespace.
	// +optional
	PersistentVolumeClaim *VolumeSource `json:"persistentVolumeClaim,omitempty"`

	// url downloads the CSV over http or https.
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.startsWith('http://') || self.startsWith('https://')",message="url must start with http:// or https://"
	// +kubebuilder:validation:XValidation:rule="isURL(self)",message="url must be a valid URL"
	// +optional
	URL string `json:"url,omitempty"`

	// objectStore reads the CSV from an object in an S3-compatible bucket,
	// with credentials from a Secret in the run's namespace.
	// +optional
	ObjectStore *ObjectStoreDataset `json:"objectStore,omitempty"`

	// synthetic generates a realistic retail dataset instead of reading one.
	// +optional
	Synthetic *SyntheticSource `json:"synthetic,omitempty"`

	// columns names the CSV's item, time and value columns.
	// +kubebuilder:default={}
	// +optional
	Columns Columns `json:"columns,omitempty"`

	// frequency is the spacing of the time column.
	// +kubebuilder:default=daily
	// +optional
	Frequency Frequency `json:"frequency,omitempty"`

	// missing is what a period without a row means: zero demand (sales
	// exports leave out the periods without sales), interpolate (on the
	// line between its neighbours), or unknown (a missing value, as an
	// empty cell is).
	// +kubebuilder:default=zero
	// +optional
	Missing Missing `json:"missing,omitempty"`

	// seasonLength is the number of periods in a season. When unset it
	// follows the frequency: hourly 24, daily 7, weekly 52, monthly 12,
	// quarterly 4, yearly 1.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=8760
	// +optional
	SeasonLength *int32 `json:"seasonLength,omitempty"`
}

// ConfigMapSource selects one key of a ConfigMap.
type ConfigMapSource struct {
	// name of the ConfigMap in the run's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`

	// key holding the CSV text.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Key string `json:"key"`
}

// VolumeSource selects a path on a PersistentVolumeClaim.
type VolumeSource struct {
	// claimName of the PersistentVolumeClaim in the run's namespace.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	ClaimName string `json:"claimName"`

	// path inside the volume: the CSV file for a dataset, the results folder
	// for output. Relative, without "..".
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="!self.startsWith('/') && !self.split('/').exists(p, p == '..')",message="path must be relative to the volume root and must not contain '..'"
	// +optional
	Path string `json:"path,omitempty"`
}

// SyntheticSource describes a generated dataset.
type SyntheticSource struct {
	// items is the number of items generated.
	// +kubebuilder:default=3707
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	// +optional
	Items int32 `json:"items,omitempty"`

	// periods is the history length of every item.
	// +kubebuilder:default=730
	// +kubebuilder:validation:Minimum=2
	// +kubebuilder:validation:Maximum=100000
	// +optional
	Periods int32 `json:"periods,omitempty"`

	// frequency of the generated data; when unset, the dataset's frequency.
	// +optional
	Frequency Frequency `json:"frequency,omitempty"`

	// seed of the generator; the same seed gives the same data.
	// +kubebuilder:default=42
	// +optional
	Seed int64 `json:"seed,omitempty"`
}

// Columns names the columns of a long CSV.
type Columns struct {
	// item is the column holding the item identifier.
	// +kubebuilder:default=item_id
	// +kubebuilder:validation:MinLength=1
	// +optional
	Item string `json:"item,omitempty"`

	// time is the column holding an ISO date or date-time, or an integer
	// period index.
	// +kubebuilder:default=date
	// +kubebuilder:validation:MinLength=1
	// +optional
	Time string `json:"time,omitempty"`

	// value is the column holding the observed quantity; an empty cell is a
	// missing observation.
	// +kubebuilder:default=quantity
	// +kubebuilder:validation:MinLength=1
	// +optional
	Value string `json:"value,omitempty"`
}

// Backtest configures the rolling-origin evaluation of every candidate.
type Backtest struct {
	// windows is the number of backtest origins.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=20
	// +optional
	Windows int32 `json:"windows,omitempty"`

	// step is the number of periods between origins; when unset, the
	// horizon.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000
	// +optional
	Step *int32 `json:"step,omitempty"`

	// estimateEveryWindow searches and estimates every model afresh on every
	// window. By default every model is estimated on the first window and
	// reuses those parameters on the later windows (MSTL decomposes each
	// window afresh); the automatic models (AutoETS, AutoARIMA, MSTL's ETS)
	// search their form once, on the first window, and reestimate that form
	// on the whole history for the final forecast. Estimating every window
	// took 2.75 times the CPU on M4 hourly with the default three windows,
	// for the same accuracy (MASE 0.824 both ways, RMSSE 0.736 against
	// 0.733).
	// +optional
	EstimateEveryWindow bool `json:"estimateEveryWindow,omitempty"`
}

// Intervals configures prediction intervals.
type Intervals struct {
	// levels are the coverage percentages of the central intervals.
	// +kubebuilder:default={80,95}
	// +listType=set
	// +kubebuilder:validation:MaxItems=5
	// +kubebuilder:validation:items:Minimum=1
	// +kubebuilder:validation:items:Maximum=99
	// +optional
	Levels []int32 `json:"levels,omitempty"`

	// quantiles are forecast quantiles in percent, such as 90, 95 and 99
	// for service-level stock targets: the demand not exceeded with that
	// probability. forecasts.csv gets a q_<P> column for each.
	// +listType=set
	// +kubebuilder:validation:MaxItems=5
	// +kubebuilder:validation:items:Minimum=1
	// +kubebuilder:validation:items:Maximum=99
	// +optional
	Quantiles []int32 `json:"quantiles,omitempty"`
}

// Sampling configures the deterministic item sample.
type Sampling struct {
	// seed of the sample; the same dataset and seed give the same items.
	// +kubebuilder:default=1
	// +optional
	Seed int64 `json:"seed,omitempty"`
}

// Output says where result files go: a claim or a bucket.
// +kubebuilder:validation:XValidation:rule="has(self.persistentVolumeClaim) != has(self.objectStore)",message="output must set exactly one of persistentVolumeClaim and objectStore"
type Output struct {
	// persistentVolumeClaim receives the files under <path>/<run name>/.
	// +optional
	PersistentVolumeClaim *VolumeSource `json:"persistentVolumeClaim,omitempty"`

	// objectStore receives the files as objects under
	// <prefix>/<run name>/ in an S3-compatible bucket; summary.json is
	// written last, so a reader that finds it finds the whole set. The
	// shards of a run with parallelism above 1 exchange their results
	// there too, so no shared claim is needed.
	// +optional
	ObjectStore *ObjectStoreOutput `json:"objectStore,omitempty"`
}

// Phase is a one-word summary of the run; the conditions carry the detail.
// +kubebuilder:validation:Enum=Pending;Queued;Running;Succeeded;Failed;Rejected;Cancelled
type Phase string

// Phases of a run.
const (
	PhasePending   Phase = "Pending"
	PhaseQueued    Phase = "Queued"
	PhaseRunning   Phase = "Running"
	PhaseSucceeded Phase = "Succeeded"
	PhaseFailed    Phase = "Failed"
	PhaseRejected  Phase = "Rejected"
	PhaseCancelled Phase = "Cancelled"
)

// Finished reports whether the phase is final.
func (p Phase) Finished() bool {
	switch p {
	case PhaseSucceeded, PhaseFailed, PhaseRejected, PhaseCancelled:
		return true
	}
	return false
}

// ForecastRunStatus is the observed state of a run.
type ForecastRunStatus struct {
	// observedGeneration is the spec generation this status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// phase summarises the run: Pending, Queued, Running, Succeeded, Failed,
	// Rejected or Cancelled.
	// +optional
	Phase Phase `json:"phase,omitempty"`

	// conditions are the detailed state: Admitted (holds its lock), Running
	// (its runner Pods run; while False during a hold, the reason says what
	// they wait for), Succeeded, Failed, Preempted, and Ready, Reconciling
	// and Stalled for kstatus. A Rejected or Cancelled run is Stalled but
	// not Failed; a duplicate is not Admitted.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// queuePosition is the 1-based place in the queue while Queued.
	// +optional
	QueuePosition *int32 `json:"queuePosition,omitempty"`

	// lockHolder is the run that holds the lock while this one waits or was
	// rejected. Its progress is in its own status, not copied here.
	// +optional
	LockHolder *LockHolder `json:"lockHolder,omitempty"`

	// progress of the execution.
	// +optional
	Progress *Progress `json:"progress,omitempty"`

	// estimatedCompletionTime is when a running run is expected to finish:
	// from its throughput so far once it reports progress, from its
	// estimatedDuration before. It is an absolute time, so it does not go
	// stale as time passes; the time left is this minus now (the ETA
	// printer column shows the time itself, since the API server renders
	// only past times as ages).
	// +optional
	EstimatedCompletionTime *metav1.Time `json:"estimatedCompletionTime,omitempty"`

	// estimatedDuration is how long the run is expected to execute, from the
	// last Succeeded run of the same mode scaled to this run's items; unset
	// when there is no such run. A queued run's estimated start is its lock
	// holder's estimatedCompletionTime plus the estimatedDuration of every
	// run ahead of it.
	// +optional
	EstimatedDuration *metav1.Duration `json:"estimatedDuration,omitempty"`

	// message says, in a sentence, what the run is doing or why it ended.
	// +optional
	Message string `json:"message,omitempty"`

	// startTime is when execution started.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`

	// completionTime is when the run reached a final phase.
	// +optional
	CompletionTime *metav1.Time `json:"completionTime,omitempty"`

	// jobName is the runner Job of this run.
	// +optional
	JobName string `json:"jobName,omitempty"`

	// preemptions counts how often an Urgent run preempted this one.
	// +optional
	Preemptions int32 `json:"preemptions,omitempty"`

	// result summarises a finished run.
	// +optional
	Result *Result `json:"result,omitempty"`

	// duplicateOf names the identical run whose execution this run shares.
	// +optional
	DuplicateOf string `json:"duplicateOf,omitempty"`

	// duplicateOfUID is the UID of that run: a run deleted and created again
	// under its name is another run, which duplicates do not follow.
	// +optional
	DuplicateOfUID types.UID `json:"duplicateOfUID,omitempty"`

	// reusedFrom names the run whose result this run took under
	// spec.reuse, and when that run finished.
	// +optional
	ReusedFrom *ReusedFrom `json:"reusedFrom,omitempty"`

	// dataVersion identifies the content of the data the run used:
	// "configmap/<uid>/<resourceVersion>" or "synthetic" as the controller
	// knows it when the run takes its lock, "sha256:<digest>" of the
	// dataset as the runner read it otherwise. Reuse compares it.
	// +kubebuilder:validation:MaxLength=256
	// +optional
	DataVersion string `json:"dataVersion,omitempty"`

	// runnerImage is the image that computed the run's result: a result is
	// reused only by runs the same image would compute.
	// +kubebuilder:validation:MaxLength=512
	// +optional
	RunnerImage string `json:"runnerImage,omitempty"`

	// fencingToken identifies the run's current hold on its lock, as
	// "<lease UID>/<leaseTransitions>/<run UID>": it changes with every
	// acquisition, and the Lease's UID keeps it from repeating when the
	// Lease is deleted and created again. The runner receives it in the
	// FORECASTRUN_FENCING_TOKEN variable and copies it into every shards
	// entry and into the result it writes; the controller ignores entries
	// and results with another token, so a runner left over from an earlier
	// hold can neither move the progress nor supply the result.
	// +optional
	FencingToken string `json:"fencingToken,omitempty"`

	// admittedAt is when the run last acquired its lock; timeout counts from
	// here, so a run resumed after preemption gets its full time again.
	// +optional
	AdmittedAt *metav1.Time `json:"admittedAt,omitempty"`

	// shards is the progress each runner shard reports about itself, keyed
	// by its completion index. Each shard owns its entry through server-side
	// apply under a field manager of its own; the controller never writes
	// this list, it sums the entries carrying the current fencingToken into
	// progress.
	// +listType=map
	// +listMapKey=index
	// +kubebuilder:validation:MaxItems=64
	// +optional
	Shards []ShardStatus `json:"shards,omitempty"`

	// notifications records every message of spec.notify, one entry per
	// target and event. The manager's notifier owns this list through
	// server-side apply; it records an attempt before sending, so what a
	// receiver got is never missing here.
	// +listType=map
	// +listMapKey=target
	// +listMapKey=id
	// +kubebuilder:validation:MaxItems=64
	// +optional
	Notifications []NotificationStatus `json:"notifications,omitempty"`
}

// ShardStatus is the progress one runner shard reports.
type ShardStatus struct {
	// index is the shard's completion index, 0 for a run with one Pod.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=63
	// +required
	Index int32 `json:"index"`

	// itemsDone is the number of this shard's items forecast so far,
	// including items restored from a checkpoint.
	// +kubebuilder:validation:Minimum=0
	// +optional
	ItemsDone int32 `json:"itemsDone,omitempty"`

	// itemsTotal is the number of items in this shard.
	// +kubebuilder:validation:Minimum=0
	// +optional
	ItemsTotal int32 `json:"itemsTotal,omitempty"`

	// message says what the shard is doing.
	// +kubebuilder:validation:MaxLength=1024
	// +optional
	Message string `json:"message,omitempty"`

	// updatedAt is when the shard last reported.
	// +optional
	UpdatedAt *metav1.Time `json:"updatedAt,omitempty"`

	// fencingToken is the token the shard's runner was started with.
	// +kubebuilder:validation:MaxLength=128
	// +optional
	FencingToken string `json:"fencingToken,omitempty"`

	// dataDigest is the SHA-256 of the dataset as the runner read it,
	// "sha256:<hex>"; it identifies the data of a URL, claim file or object.
	// +kubebuilder:validation:MaxLength=80
	// +optional
	DataDigest string `json:"dataDigest,omitempty"`

	// reusedFrom, written by the runner, names the run whose result it
	// found computed from the same data (same dataDigest) instead of
	// computing it; the controller then takes that run's result.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	ReusedFrom string `json:"reusedFrom,omitempty"`
}

// LockHolder identifies the run holding a lock. It carries what changes
// only when the lock changes hands, not the holder's progress: a copy of
// that in every queued run would rewrite the whole queue on every progress
// step. The holder's own status (and kubectl forecast queue) has it.
type LockHolder struct {
	// name of the holding run, or the identity a holder that is not a run
	// wrote into the Lease.
	Name string `json:"name"`
	// phase of the holding run.
	// +optional
	Phase Phase `json:"phase,omitempty"`
}

// Progress is how far execution has got. It is replaced as a whole by
// whoever writes it (the runner with its report, or the controller), so a
// field left out of one report never survives from another's.
// +structType=atomic
type Progress struct {
	// percent of items done, 0 to 100.
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	// +optional
	Percent int32 `json:"percent,omitempty"`

	// percentText is percent rendered for the printer column, such as
	// "42%". Display only: read percent.
	// +optional
	PercentText string `json:"percentText,omitempty"`

	// message says what the runner is doing.
	// +optional
	Message string `json:"message,omitempty"`

	// itemsDone is the number of items forecast so far.
	// +optional
	ItemsDone int32 `json:"itemsDone,omitempty"`

	// itemsTotal is the number of items this run forecasts.
	// +optional
	ItemsTotal int32 `json:"itemsTotal,omitempty"`

	// items is itemsDone/itemsTotal rendered for the printer column, such
	// as "420/3707". Display only: read itemsDone and itemsTotal.
	// +optional
	Items string `json:"items,omitempty"`

	// updatedAt is when the progress was last reported.
	// +optional
	UpdatedAt *metav1.Time `json:"updatedAt,omitempty"`
}

// Result summarises a finished run.
type Result struct {
	// itemsForecast is the number of items with a forecast.
	// +optional
	ItemsForecast int32 `json:"itemsForecast,omitempty"`

	// itemsFailed is the number of items where every model failed and a
	// naive forecast was written instead.
	// +optional
	ItemsFailed int32 `json:"itemsFailed,omitempty"`

	// winners counts the items each model won.
	// +optional
	Winners map[string]int32 `json:"winners,omitempty"`

	// score is the mean backtest score of the winners, in the run's metric,
	// as a decimal string.
	// +optional
	Score string `json:"score,omitempty"`

	// outputPath is where the result files were written.
	// +optional
	OutputPath string `json:"outputPath,omitempty"`

	// fencingToken is the token of the runner that wrote the result. When
	// the Job completes, the controller keeps the result only if it carries
	// the run's current status.fencingToken, so a runner left over from an
	// earlier hold of the lock cannot pass its result off as this
	// execution's.
	// +kubebuilder:validation:MaxLength=128
	// +optional
	FencingToken string `json:"fencingToken,omitempty"`

	// dataDigest is the SHA-256 of the dataset as the runner read it,
	// "sha256:<hex>"; it identifies the data of a URL, claim file or object.
	// +kubebuilder:validation:MaxLength=80
	// +optional
	DataDigest string `json:"dataDigest,omitempty"`

	// reusedFrom, written by the runner, names the run whose result it
	// found computed from the same data (same dataDigest) instead of
	// computing it; the controller then takes that run's result.
	// +kubebuilder:validation:MaxLength=253
	// +optional
	ReusedFrom string `json:"reusedFrom,omitempty"`
}

// ForecastRun runs one forecasting tournament as a Job, one run per lock at a
// time.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=fr,categories=forecasting
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="metadata.name must be at most 63 characters: the run's name is a label value on its Job and Pods"
// +kubebuilder:printcolumn:name="Mode",type=string,JSONPath=`.spec.mode`
// +kubebuilder:printcolumn:name="Priority",type=string,JSONPath=`.spec.priority`
// +kubebuilder:printcolumn:name="Phase",type=string,JSONPath=`.status.phase`
// +kubebuilder:printcolumn:name="Progress",type=string,JSONPath=`.status.progress.percentText`
// +kubebuilder:printcolumn:name="Items",type=string,JSONPath=`.status.progress.items`
// +kubebuilder:printcolumn:name="ETA",type=string,format=date-time,JSONPath=`.status.estimatedCompletionTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
// +kubebuilder:printcolumn:name="Message",type=string,JSONPath=`.status.message`,priority=1
// +kubebuilder:printcolumn:name="Queue",type=integer,JSONPath=`.status.queuePosition`,priority=1
type ForecastRun struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the desired run.
	// The spec is immutable except cancel, priority and
	// ttlSecondsAfterFinished. The rules sit on
	// this field, not on ForecastRunSpec, so that a ForecastSchedule can embed
	// the same spec as an editable template.
	// +kubebuilder:validation:XValidation:rule="has(self.itemLimit) == has(oldSelf.itemLimit) && has(self.horizon) == has(oldSelf.horizon) && has(self.models) == has(oldSelf.models) && has(self.resources) == has(oldSelf.resources) && has(self.timeout) == has(oldSelf.timeout) && has(self.queueTimeout) == has(oldSelf.queueTimeout) && has(self.startupTimeout) == has(oldSelf.startupTimeout) && has(self.progressDeadline) == has(oldSelf.progressDeadline) && has(self.output) == has(oldSelf.output) && has(self.podTemplate) == has(oldSelf.podTemplate)",message="spec is immutable after creation except cancel, priority and ttlSecondsAfterFinished: fields cannot be added or removed; create a new ForecastRun instead"
	// +kubebuilder:validation:XValidation:rule="!has(self.mode) || !has(oldSelf.mode) || self.mode == oldSelf.mode",message="mode is immutable after creation; create a new ForecastRun instead",fieldPath=".mode"
	// +kubebuilder:validation:XValidation:rule="!has(self.itemLimit) || !has(oldSelf.itemLimit) || self.itemLimit == oldSelf.itemLimit",message="itemLimit is immutable after creation; create a new ForecastRun instead",fieldPath=".itemLimit"
	// +kubebuilder:validation:XValidation:rule="!has(self.dataset) || !has(oldSelf.dataset) || self.dataset == oldSelf.dataset",message="dataset is immutable after creation; create a new ForecastRun instead",fieldPath=".dataset"
	// +kubebuilder:validation:XValidation:rule="!has(self.horizon) || !has(oldSelf.horizon) || self.horizon == oldSelf.horizon",message="horizon is immutable after creation; create a new ForecastRun instead",fieldPath=".horizon"
	// +kubebuilder:validation:XValidation:rule="!has(self.metric) || !has(oldSelf.metric) || self.metric == oldSelf.metric",message="metric is immutable after creation; create a new ForecastRun instead",fieldPath=".metric"
	// +kubebuilder:validation:XValidation:rule="!has(self.models) || !has(oldSelf.models) || self.models == oldSelf.models",message="models are immutable after creation; create a new ForecastRun instead",fieldPath=".models"
	// +kubebuilder:validation:XValidation:rule="!has(self.backtest) || !has(oldSelf.backtest) || self.backtest == oldSelf.backtest",message="backtest is immutable after creation; create a new ForecastRun instead",fieldPath=".backtest"
	// +kubebuilder:validation:XValidation:rule="!has(self.intervals) || !has(oldSelf.intervals) || self.intervals == oldSelf.intervals",message="intervals are immutable after creation; create a new ForecastRun instead",fieldPath=".intervals"
	// +kubebuilder:validation:XValidation:rule="!has(self.sampling) || !has(oldSelf.sampling) || self.sampling == oldSelf.sampling",message="sampling is immutable after creation; create a new ForecastRun instead",fieldPath=".sampling"
	// +kubebuilder:validation:XValidation:rule="!has(self.whenBusy) || !has(oldSelf.whenBusy) || self.whenBusy == oldSelf.whenBusy",message="whenBusy is immutable after creation; create a new ForecastRun instead",fieldPath=".whenBusy"
	// +kubebuilder:validation:XValidation:rule="!has(self.lockName) || !has(oldSelf.lockName) || self.lockName == oldSelf.lockName",message="lockName is immutable after creation; create a new ForecastRun instead",fieldPath=".lockName"
	// +kubebuilder:validation:XValidation:rule="!has(self.parallelism) || !has(oldSelf.parallelism) || self.parallelism == oldSelf.parallelism",message="parallelism is immutable after creation; create a new ForecastRun instead",fieldPath=".parallelism"
	// +kubebuilder:validation:XValidation:rule="!has(self.resources) || !has(oldSelf.resources) || self.resources == oldSelf.resources",message="resources are immutable after creation; create a new ForecastRun instead",fieldPath=".resources"
	// +kubebuilder:validation:XValidation:rule="!has(self.timeout) || !has(oldSelf.timeout) || self.timeout == oldSelf.timeout",message="timeout is immutable after creation; create a new ForecastRun instead",fieldPath=".timeout"
	// +kubebuilder:validation:XValidation:rule="!has(self.queueTimeout) || !has(oldSelf.queueTimeout) || self.queueTimeout == oldSelf.queueTimeout",message="queueTimeout is immutable after creation; create a new ForecastRun instead",fieldPath=".queueTimeout"
	// +kubebuilder:validation:XValidation:rule="!has(self.startupTimeout) || !has(oldSelf.startupTimeout) || self.startupTimeout == oldSelf.startupTimeout",message="startupTimeout is immutable after creation; create a new ForecastRun instead",fieldPath=".startupTimeout"
	// +kubebuilder:validation:XValidation:rule="!has(self.progressDeadline) || !has(oldSelf.progressDeadline) || self.progressDeadline == oldSelf.progressDeadline",message="progressDeadline is immutable after creation; create a new ForecastRun instead",fieldPath=".progressDeadline"
	// +kubebuilder:validation:XValidation:rule="!has(self.output) || !has(oldSelf.output) || self.output == oldSelf.output",message="output is immutable after creation; create a new ForecastRun instead",fieldPath=".output"
	// +kubebuilder:validation:XValidation:rule="!has(self.podTemplate) || !has(oldSelf.podTemplate) || self.podTemplate == oldSelf.podTemplate",message="podTemplate is immutable after creation; create a new ForecastRun instead",fieldPath=".podTemplate"
	// +kubebuilder:validation:XValidation:rule="!has(oldSelf.cancel) || !oldSelf.cancel || (has(self.cancel) && self.cancel)",message="cancel cannot be undone; create a new ForecastRun to run again",fieldPath=".cancel"
	// +required
	Spec ForecastRunSpec `json:"spec"`

	// status is the observed state of the run.
	// +optional
	Status ForecastRunStatus `json:"status,omitempty"`
}

// ForecastRunList is a list of ForecastRuns.
//
// +kubebuilder:object:root=true
type ForecastRunList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ForecastRun `json:"items"`
}

func init() {
	SchemeBuilder.Register(&ForecastRun{}, &ForecastRunList{})
}
