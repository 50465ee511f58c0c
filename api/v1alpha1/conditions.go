package v1alpha1

// Condition types of a ForecastRun. Admitted, Running, Succeeded, Failed and
// Preempted describe the run's life; Ready, Reconciling and Stalled follow
// the kstatus conventions so that Flux and Argo CD can read a run's health.
const (
	// ConditionAdmitted is True once the run took its lock for its current
	// or last execution. It is False while the run waits for the lock,
	// after it was rejected, and for a duplicate, which shares an
	// identical run's execution instead of holding the lock itself.
	ConditionAdmitted = "Admitted"
	// ConditionRunning is True once every runner Pod of the current hold
	// has started, until the run ends or goes back to the queue. While it
	// is False during a hold, its reason and message say what the Job or
	// its Pods wait for: CreatingJob, WaitingForPods, JobSuspended,
	// ChildConflict.
	ConditionRunning = "Running"
	// ConditionSucceeded is True when every shard finished.
	ConditionSucceeded = "Succeeded"
	// ConditionFailed is True when the run failed: its Job failed, a
	// deadline passed, its Job could not be created. A Rejected or
	// Cancelled run did not fail and is not Failed; like a failed run it
	// is Stalled.
	ConditionFailed = "Failed"
	// ConditionPreempted is True while an Urgent run has displaced this one.
	ConditionPreempted = "Preempted"
	// ConditionReady is True when the run succeeded.
	ConditionReady = "Ready"
	// ConditionReconciling is True while the run is still progressing.
	ConditionReconciling = "Reconciling"
	// ConditionStalled is True when the run ended without a result: it
	// failed, was rejected or was cancelled.
	ConditionStalled = "Stalled"
)

// Condition reasons.
const (
	ReasonWaitingForLock = "WaitingForLock"
	ReasonLockAcquired   = "LockAcquired"
	ReasonLockBusy       = "LockBusy"
	ReasonDuplicate      = "DuplicateOfActiveRun"
	// ReasonReused: the run took the result of an identical run on the
	// same data (spec.reuse) instead of computing it.
	ReasonReused = "ReusedResult"
	// ReasonJobRunning: every runner Pod of the current hold has started.
	ReasonJobRunning      = "JobRunning"
	ReasonJobSucceeded    = "JobSucceeded"
	ReasonJobFailed       = "JobFailed"
	ReasonTimeout         = "Timeout"
	ReasonQueueTimeout    = "QueueTimeout"
	ReasonCancelled       = "Cancelled"
	ReasonPreemptedUrgent = "PreemptedByUrgentRun"
	ReasonRejected        = "Rejected"
	ReasonPending         = "Pending"
	// ReasonLockLost: another run took the lock over while this one ran; it
	// waits in the queue again and resumes from its checkpoints.
	ReasonLockLost = "LockLost"
	// ReasonResumed: a preempted run holds the lock again.
	ReasonResumed = "Resumed"
	// ReasonCreatingJob: the run holds the lock and its Job is being created.
	ReasonCreatingJob = "CreatingJob"
	// ReasonWaitingForPods: the Job exists and not every runner Pod has
	// started; the message says what a waiting Pod waits for.
	ReasonWaitingForPods = "WaitingForPods"
	// ReasonJobSuspended: the Job is suspended, typically by a queueing
	// system such as Kueue that has not admitted it yet; the startup
	// timeout does not count meanwhile.
	ReasonJobSuspended = "JobSuspended"
	// ReasonStartupTimeout: the runner Pods did not start within
	// spec.startupTimeout and gave no reason of their own. When they gave
	// one, the Failed condition carries it instead (ErrImagePull,
	// ImagePullBackOff, Unschedulable, FailedCreate, ...).
	ReasonStartupTimeout = "StartupTimeout"
	// ReasonProgressDeadlineExceeded: a running run's progress did not move
	// for spec.progressDeadline.
	ReasonProgressDeadlineExceeded = "ProgressDeadlineExceeded"
	// ReasonChildConflict: an object the run needs (its Job, ServiceAccount,
	// Role or RoleBinding) exists and belongs to someone else, such as an
	// earlier run of the same name whose objects are still being deleted.
	// The run waits for it to go instead of adopting it.
	ReasonChildConflict = "ChildConflict"
	// ReasonJobRefused: the API server refused the runner Job for good (an
	// invalid resources or podTemplate, say); a retry cannot fix it.
	ReasonJobRefused = "JobRefused"
	// ReasonOutputNotShared: parallel shards need an output claim that Pods
	// on several nodes can mount (ReadWriteMany).
	ReasonOutputNotShared = "OutputNotShared"
	// ReasonJobDeleted: the runner Job was deleted by someone else before
	// it finished; the run fails rather than executing again.
	ReasonJobDeleted = "JobDeleted"
	// ReasonLockNotOwned: the Lease named by spec.lockName exists but was
	// not created by this operator; the run refuses to use it.
	ReasonLockNotOwned = "LockNotOwned"
)

// Condition reasons of a ForecastSchedule.
const (
	// ReasonScheduled: the schedule is valid and creates runs on time.
	ReasonScheduled = "Scheduled"
	// ReasonInvalidSchedule: the cron expression or time zone cannot be read.
	ReasonInvalidSchedule = "InvalidSchedule"
	// ReasonSuspended: spec.suspend is true; no new runs are created.
	ReasonSuspended = "Suspended"
)

// Labels and annotations a ForecastSchedule puts on the runs it creates.
const (
	// LabelSchedule names the schedule that created a run.
	LabelSchedule = "forecasting.dev/schedule"
	// AnnotationScheduledAt is the run's scheduled time, RFC 3339 in UTC. It
	// is also part of the run's identity for de-duplication: runs of
	// different scheduled times are different requests, even with the same
	// spec.
	AnnotationScheduledAt = "forecasting.dev/scheduled-at"
)
