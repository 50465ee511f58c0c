package controllers

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// The state machine's transitions, decided without an API server: each case
// is a run as recorded and a world as observed, and says what the next
// record is and what is done after it. The envtest suites prove the same
// transitions against a real API server.

var decideNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// fixture builds runs and what a pass observes about them.
type fixture struct{ cfg Config }

func newFixture() fixture { return fixture{cfg: DefaultConfig()} }

// run is a run named name in phase, recorded as the controller leaves it:
// once admitted, with its finalizer and a hold with the token of transition
// 3 of the Lease "lease-uid".
func (f fixture) run(name string, phase v1alpha1.Phase) *v1alpha1.ForecastRun {
	run := testutil.MakeForecastRun(name, "ns").Obj()
	run.UID = types.UID("uid-" + name)
	run.Generation = 1
	run.CreationTimestamp = metav1.NewTime(decideNow.Add(-time.Hour))
	run.Spec.LockName = "lock"
	run.Status.Phase = phase
	if phase == v1alpha1.PhaseRunning {
		run.Finalizers = []string{finalizer}
		admitted := metav1.NewTime(decideNow.Add(-10 * time.Minute))
		run.Status.StartTime, run.Status.AdmittedAt = &admitted, &admitted
		run.Status.FencingToken = "lease-uid/3/uid-" + name
		run.Status.JobName = name + "-runner"
	}
	return run
}

// lease is the lock held by holder's run under transitions, renewed ago.
func (f fixture) lease(holder *v1alpha1.ForecastRun, transitions int32, ago time.Duration) *coordinationv1.Lease {
	renewed := metav1.NewMicroTime(decideNow.Add(-ago))
	l := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: "lock", Namespace: "ns", UID: "lease-uid", Labels: map[string]string{labelManagedBy: managerName}},
		Spec: coordinationv1.LeaseSpec{
			LeaseDurationSeconds: ptr.To[int32](60), LeaseTransitions: ptr.To(transitions),
		},
	}
	if holder != nil {
		l.Spec.HolderIdentity, l.Spec.RenewTime = ptr.To(holderID(holder)), &renewed
	}
	return l
}

// world is what a pass observes about run: its lock as lease says, and the
// given Job.
func (f fixture) world(run *v1alpha1.ForecastRun, lease *coordinationv1.Lease, job *batchv1.Job, facts holderFacts) *world {
	return &world{
		now: decideNow, cfg: f.cfg, stage: stageOf(run), job: job,
		lock: lockView{lease, decideLock(lease, holderID(run), facts, decideNow), facts},
	}
}

// pod is a Pod with status.
func pod(name string, status corev1.PodStatus) corev1.Pod {
	return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Status: status}
}

// deleting marks job as being deleted in the foreground.
func deleting(job *batchv1.Job) *batchv1.Job {
	job.DeletionTimestamp = &metav1.Time{Time: decideNow}
	job.Finalizers = []string{metav1.FinalizerDeleteDependents}
	return job
}

// job is run's Job, finished with cond when cond is not empty.
func (f fixture) job(run *v1alpha1.ForecastRun, cond batchv1.JobConditionType) *batchv1.Job {
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: run.Status.JobName, Namespace: "ns"}}
	if cond != "" {
		job.Status.Conditions = []batchv1.JobCondition{{Type: cond, Status: corev1.ConditionTrue, Reason: "Because"}}
	}
	return job
}

type decideCase struct {
	name    string
	run     *v1alpha1.ForecastRun
	w       *world
	phase   v1alpha1.Phase
	reason  string // reason of the Reconciling, Ready or Stalled condition
	actions []string
	events  []string
	check   func(t *testing.T, next *v1alpha1.ForecastRun)
}

func waitingCases(f fixture) []decideCase {
	other := f.run("other", v1alpha1.PhaseRunning)
	busy := func(run *v1alpha1.ForecastRun) *world {
		w := f.world(run, f.lease(other, 3, time.Second), nil, holderFacts{isRun: true, found: true, execution: execution{livePods: 1}})
		w.queue = queueView{position: 1, length: 1, first: run.Name, holder: &v1alpha1.LockHolder{Name: "other", Phase: v1alpha1.PhaseRunning}}
		return w
	}
	fresh := f.run("fresh", "")
	freeWorld := f.world(fresh, nil, nil, holderFacts{})
	freeWorld.queue = queueView{position: 1, length: 1, first: "fresh"}

	cancelled := f.run("cancelled", v1alpha1.PhaseRunning)
	cancelled.Status.Phase = v1alpha1.PhaseCancelled
	afterCancelled := f.run("after", "")
	afterWorld := f.world(afterCancelled, f.lease(cancelled, 3, time.Hour), nil,
		holderFacts{isRun: true, found: true, finished: true, execution: execution{livePods: 1, examplePod: "cancelled-runner-x"}})
	afterWorld.queue = queueView{position: 1, length: 1, first: "after", holder: &v1alpha1.LockHolder{Name: "cancelled", Phase: v1alpha1.PhaseCancelled}}
	resumable := f.run("resumable", v1alpha1.PhaseQueued)
	resumableWorld := f.world(resumable, nil, nil, holderFacts{})
	resumableWorld.queue = queueView{position: 1, length: 1, first: "resumable"}
	resumableWorld.execution = execution{livePods: 1, examplePod: "resumable-runner-x"}
	sharded := f.run("sharded", "")
	sharded.Spec.Parallelism = 3
	shardedWorld := f.world(sharded, nil, nil, holderFacts{})
	shardedWorld.queue = queueView{position: 1, length: 1, first: "sharded"}
	shardedWorld.outputClaim = &corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: "results"},
		Status:     corev1.PersistentVolumeClaimStatus{AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce}},
	}
	acquired := f.run("acquired", v1alpha1.PhaseQueued)
	preempted := f.run("preempted", v1alpha1.PhaseRunning)
	preempted.Status.Phase, preempted.Status.Preemptions = v1alpha1.PhaseQueued, 1
	stopping := func(run *v1alpha1.ForecastRun) *world {
		w := f.world(run, f.lease(run, 3, 30*time.Second), nil, holderFacts{})
		w.execution = execution{livePods: 1, examplePod: run.Name + "-runner-x"}
		return w
	}
	timedOut := f.run("patience", v1alpha1.PhaseQueued)
	timedOut.Spec.QueueTimeout = &metav1.Duration{Duration: 30 * time.Minute}
	reject := f.run("impatient", "")
	reject.Spec.WhenBusy = v1alpha1.BusyReject
	twin := f.run("twin", "")
	twinWorld := busy(twin)
	twinWorld.primary = other
	intruder := f.run("intruder", "")
	theirs := f.lease(nil, 0, 0)
	theirs.Labels = nil
	intruderWorld := f.world(intruder, theirs, nil, holderFacts{})
	intruderWorld.queue = queueView{position: 1, length: 1, first: "intruder"}

	return []decideCase{
		{name: "the head of the queue acquires a free lock after adding its finalizer; nothing is recorded yet",
			run: fresh, w: freeWorld, phase: "", actions: []string{"AddFinalizer", "AcquireLock"}},
		{name: "a run behind a live holder is queued, naming the holder",
			run: f.run("behind", ""), w: busy(f.run("behind", "")), phase: v1alpha1.PhaseQueued, reason: v1alpha1.ReasonWaitingForLock,
			events: []string{v1alpha1.ReasonWaitingForLock},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if want := "waiting for lock lock held by other (Running); position 1"; next.Status.Message != want {
					t.Errorf("message = %q, want %q", next.Status.Message, want)
				}
			}},
		{name: "a run behind a holder that ended says the lock waits for the holder's Pods, however long the Lease went unrenewed",
			run: afterCancelled, w: afterWorld, phase: v1alpha1.PhaseQueued, reason: v1alpha1.ReasonWaitingForLock,
			events: []string{v1alpha1.ReasonWaitingForLock},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				want := "waiting for lock lock held by cancelled (Cancelled); 1 runner Pod (cancelled-runner-x) still has to terminate before the lock passes; position 1"
				if next.Status.Message != want {
					t.Errorf("message = %q, want %q", next.Status.Message, want)
				}
			}},
		{name: "a run whose own earlier Pod still runs does not take a free lock",
			run: resumable, w: resumableWorld, phase: v1alpha1.PhaseQueued, reason: v1alpha1.ReasonWaitingForLock},
		{name: "a hold acquired by a pass that could not record it is recorded as the admission",
			run: acquired, w: f.world(acquired, f.lease(acquired, 4, 0), nil, holderFacts{}),
			phase: v1alpha1.PhaseRunning, reason: v1alpha1.ReasonLockAcquired, events: []string{v1alpha1.ReasonLockAcquired},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if next.Status.FencingToken != "lease-uid/4/uid-acquired" || next.Status.JobName != "acquired-runner" || next.Status.AdmittedAt == nil {
					t.Errorf("token %q job %q admittedAt %v", next.Status.FencingToken, next.Status.JobName, next.Status.AdmittedAt)
				}
			}},
		{name: "a run back in the queue stops its Job and keeps the hold it records while the Job is there",
			run: preempted, w: f.world(preempted, f.lease(preempted, 3, 0), f.job(preempted, ""), holderFacts{}),
			phase: v1alpha1.PhaseQueued, actions: []string{"DeleteJob preempted-runner"}},
		{name: "it keeps the hold while a Pod of it has not terminated, renewing it when due",
			run: preempted, w: stopping(preempted), phase: v1alpha1.PhaseQueued, actions: []string{"RenewLock"}},
		{name: "it releases the hold it records once its Job and Pods are gone, and does not acquire it again at once",
			run: preempted, w: f.world(preempted, f.lease(preempted, 3, 0), nil, holderFacts{}),
			phase: v1alpha1.PhaseQueued, actions: []string{"ReleaseLock lease-uid/3/uid-preempted"}},
		{name: "a queue timeout fails the run",
			run: timedOut, w: busy(timedOut), phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonQueueTimeout,
			events: []string{v1alpha1.ReasonQueueTimeout}},
		{name: "whenBusy Reject ends the run when the lock is held",
			run: reject, w: busy(reject), phase: v1alpha1.PhaseRejected, reason: v1alpha1.ReasonRejected,
			events: []string{v1alpha1.ReasonRejected}},
		{name: "a Lease the operator did not create is refused, not taken",
			run: intruder, w: intruderWorld, phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonLockNotOwned,
			events: []string{v1alpha1.ReasonLockNotOwned}},
		{name: "a sharded run whose output claim one node at a time can mount is refused before it takes the lock",
			run: sharded, w: shardedWorld, phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonOutputNotShared,
			events: []string{v1alpha1.ReasonOutputNotShared}},
		{name: "an identical active run is joined instead of queueing",
			run: twin, w: twinWorld, phase: v1alpha1.PhaseRunning, reason: v1alpha1.ReasonDuplicate,
			events: []string{v1alpha1.ReasonDuplicate},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if next.Status.DuplicateOf != "other" {
					t.Errorf("duplicateOf = %q", next.Status.DuplicateOf)
				}
				if c := meta.FindStatusCondition(next.Status.Conditions, v1alpha1.ConditionAdmitted); c == nil || c.Status != metav1.ConditionFalse {
					t.Errorf("a duplicate is not admitted: %+v", c)
				}
			}},
	}
}

func runningCases(f fixture) []decideCase {
	held := func(run *v1alpha1.ForecastRun, job *batchv1.Job) *world {
		return f.world(run, f.lease(run, 3, 0), job, holderFacts{})
	}
	done := f.run("done", v1alpha1.PhaseRunning)
	failed := f.run("failed", v1alpha1.PhaseRunning)
	slow := f.run("slow", v1alpha1.PhaseRunning)
	slow.Spec.Timeout = &metav1.Duration{Duration: 5 * time.Minute}
	lost := f.run("lost", v1alpha1.PhaseRunning)
	thief := f.run("thief", v1alpha1.PhaseRunning)
	normal := f.run("normal", v1alpha1.PhaseRunning)
	normalWorld := held(normal, f.job(normal, ""))
	normalWorld.preemptor = f.run("urgent", v1alpha1.PhaseQueued)
	orphaned := f.run("orphaned", v1alpha1.PhaseRunning)
	setCondition(orphaned, v1alpha1.ConditionRunning, metav1.ConditionTrue, v1alpha1.ReasonJobRunning, "started", metav1.NewTime(decideNow))
	replaced := f.run("replaced", v1alpha1.PhaseRunning)
	replacedWorld := held(replaced, nil)
	replacedWorld.childConflict = "ServiceAccount replaced-runner exists and is not this run's: it belongs to ForecastRun replaced with uid old"
	greedy := f.run("greedy", v1alpha1.PhaseRunning)
	greedyWorld := held(greedy, nil)
	greedyWorld.jobRefusal = refusal{message: "Job.batch \"greedy-runner\" is invalid: ...", permanent: true}
	blocked := f.run("blocked", v1alpha1.PhaseRunning)
	blockedWorld := held(blocked, nil)
	blockedWorld.jobRefusal = refusal{message: "jobs.batch \"blocked-runner\" is forbidden: exceeded quota"}
	stuck := blocked.DeepCopy()
	stuck.Spec.Timeout = &metav1.Duration{Duration: time.Minute}
	starting := f.run("starting", v1alpha1.PhaseRunning)
	steady := f.run("steady", v1alpha1.PhaseRunning)
	steadyWorld := held(steady, f.job(steady, ""))
	steadyWorld.lock.lease.Spec.RenewTime = &metav1.MicroTime{Time: decideNow.Add(-30 * time.Second)}
	steadyWorld.jobPods = []corev1.Pod{pod("steady-runner-a", corev1.PodStatus{Phase: corev1.PodRunning})}
	retrying := f.run("retrying", v1alpha1.PhaseRunning)
	retryingWorld := held(retrying, f.job(retrying, ""))
	retryingWorld.job.Status.Failed = 1
	retryingWorld.jobPods = []corev1.Pod{
		failedPod("retrying-runner-a", 5, corev1.ContainerStateTerminated{Reason: "OOMKilled", ExitCode: 137}),
		pod("retrying-runner-b", corev1.PodStatus{Phase: corev1.PodRunning}),
	}
	pulling := f.run("pulling", v1alpha1.PhaseRunning)
	pullingWorld := held(pulling, f.job(pulling, ""))
	pullingWorld.jobPods = []corev1.Pod{pod("pulling-runner-a", corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: []corev1.ContainerStatus{{
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: "Back-off pulling image"}},
	}}})}
	pulled := pulling.DeepCopy()
	pulled.Spec.StartupTimeout = &metav1.Duration{Duration: 5 * time.Minute}
	queued := pulled.DeepCopy()
	queuedWorld := held(queued, f.job(queued, ""))
	queuedWorld.job.Spec.Suspend = ptr.To(true)
	quiet := f.run("quiet", v1alpha1.PhaseRunning)
	setCondition(quiet, v1alpha1.ConditionRunning, metav1.ConditionTrue, v1alpha1.ReasonJobRunning, "running", metav1.NewTime(decideNow.Add(-time.Hour)))
	quiet.Status.Progress = &v1alpha1.Progress{Message: "forecast 40 of 100 items"}
	quiet.Status.Progress.SetCounts(40, 100, metav1.NewTime(decideNow.Add(-31*time.Minute)))
	busyQuiet := quiet.DeepCopy()
	busyQuiet.Status.Progress.UpdatedAt = &metav1.Time{Time: decideNow.Add(-time.Minute)}

	return []decideCase{
		{name: "a completed Job ends the run Succeeded; the lock is released after the record",
			run: done, w: held(done, f.job(done, batchv1.JobComplete)), phase: v1alpha1.PhaseSucceeded, reason: v1alpha1.ReasonJobSucceeded,
			actions: []string{"ReleaseLock", "RemoveFinalizer"}, events: []string{v1alpha1.ReasonJobSucceeded}},
		{name: "a failed Job ends the run Failed",
			run: failed, w: held(failed, f.job(failed, batchv1.JobFailed)), phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonJobFailed,
			actions: []string{"ReleaseLock", "RemoveFinalizer"}, events: []string{v1alpha1.ReasonJobFailed}},
		{name: "a timed-out run is recorded Failed before its Job is stopped",
			run: slow, w: held(slow, f.job(slow, "")), phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonTimeout,
			actions: []string{"DeleteJob slow-runner"}, events: []string{v1alpha1.ReasonTimeout}},
		{name: "a run whose lock was taken over goes back to the queue and stops its Job",
			run: lost, w: f.world(lost, f.lease(thief, 4, 0), f.job(lost, ""), holderFacts{}),
			phase: v1alpha1.PhaseQueued, reason: v1alpha1.ReasonLockLost, actions: []string{"DeleteJob lost-runner"},
			events: []string{v1alpha1.ReasonLockLost},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if next.Status.Preemptions != 1 || next.Status.JobName != "lost-runner" {
					t.Errorf("preemptions %d jobName %q: want 1 and the Job to stop", next.Status.Preemptions, next.Status.JobName)
				}
			}},
		{name: "a Normal run yields to an Urgent one: recorded Queued, then its Job stopped",
			run: normal, w: normalWorld, phase: v1alpha1.PhaseQueued, reason: v1alpha1.ReasonPreemptedUrgent,
			actions: []string{"DeleteJob normal-runner"}, events: []string{v1alpha1.ReasonPreemptedUrgent}},
		{name: "a run whose Job was deleted after it recorded the Job fails instead of executing again",
			run: orphaned, w: held(orphaned, nil), phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonJobDeleted,
			actions: []string{"ReleaseLock", "RemoveFinalizer"}, events: []string{v1alpha1.ReasonJobDeleted}},
		{name: "a child of another owner is reported and waited out, not adopted",
			run: replaced, w: replacedWorld, phase: v1alpha1.PhaseRunning, events: []string{v1alpha1.ReasonChildConflict},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if c := meta.FindStatusCondition(next.Status.Conditions, v1alpha1.ConditionRunning); c == nil || c.Reason != v1alpha1.ReasonChildConflict {
					t.Errorf("running condition %+v", c)
				}
			}},
		{name: "a Job the API server refuses for good fails the run and frees the lock",
			run: greedy, w: greedyWorld, phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonJobRefused,
			actions: []string{"ReleaseLock", "RemoveFinalizer"}, events: []string{v1alpha1.ReasonJobRefused}},
		{name: "a Job refused for now (a quota) is not created; the run says why",
			run: blocked, w: blockedWorld, phase: v1alpha1.PhaseRunning,
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if !strings.Contains(next.Status.Message, "exceeded quota") {
					t.Errorf("message %q", next.Status.Message)
				}
			}},
		{name: "a run without a Job still times out",
			run: stuck, w: blockedWorld, phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonTimeout,
			actions: []string{"ReleaseLock", "RemoveFinalizer"}, events: []string{v1alpha1.ReasonTimeout}},
		{name: "an admitted run without a Job creates it",
			run: starting, w: held(starting, nil), phase: v1alpha1.PhaseRunning, actions: []string{"CreateJob starting-runner"}},
		{name: "a run whose Job replaced a failed Pod says why it failed, once",
			run: retrying, w: retryingWorld, phase: v1alpha1.PhaseRunning, events: []string{v1alpha1.ReasonJobRunning},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				want := "runner Job retrying-runner is running; holds lock lock; retrying after 1 failed runner Pod(s), the last: runner Pod retrying-runner-a: container runner ended OOMKilled with exit code 137"
				if next.Status.Message != want {
					t.Errorf("message = %q, want %q", next.Status.Message, want)
				}
			}},
		{name: "a run whose Pods wait says for what",
			run: pulling, w: pullingWorld, phase: v1alpha1.PhaseRunning,
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				c := meta.FindStatusCondition(next.Status.Conditions, v1alpha1.ConditionRunning)
				if c == nil || c.Reason != v1alpha1.ReasonWaitingForPods || !strings.Contains(c.Message, "pod pulling-runner-a: ImagePullBackOff: Back-off pulling image") {
					t.Errorf("running condition %+v", c)
				}
			}},
		{name: "past its startup timeout it fails with the Pod's own reason",
			run: pulled, w: pullingWorld, phase: v1alpha1.PhaseFailed, reason: "ImagePullBackOff",
			actions: []string{"DeleteJob pulling-runner"}, events: []string{"ImagePullBackOff"}},
		{name: "a Job suspended by a queueing system does not use up the startup timeout",
			run: queued, w: queuedWorld, phase: v1alpha1.PhaseRunning,
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if c := meta.FindStatusCondition(next.Status.Conditions, v1alpha1.ConditionRunning); c == nil || c.Reason != v1alpha1.ReasonJobSuspended {
					t.Errorf("running condition %+v", c)
				}
			}},
		{name: "a running run whose progress stood still past its deadline fails",
			run: quiet, w: held(quiet, f.job(quiet, "")), phase: v1alpha1.PhaseFailed, reason: v1alpha1.ReasonProgressDeadlineExceeded,
			actions: []string{"DeleteJob quiet-runner"}, events: []string{v1alpha1.ReasonProgressDeadlineExceeded}},
		{name: "one whose progress moved lately goes on",
			run: busyQuiet, w: held(busyQuiet, f.job(busyQuiet, "")), phase: v1alpha1.PhaseRunning},
		{name: "a running run records once that its Pods run, and renews its lock a third of the way through the duration",
			run: steady, w: steadyWorld, phase: v1alpha1.PhaseRunning, actions: []string{"RenewLock"},
			events: []string{v1alpha1.ReasonJobRunning}},
	}
}

func endingCases(f fixture) []decideCase {
	cancelled := f.run("cancelled", v1alpha1.PhaseRunning)
	cancelled.Spec.Cancel = true
	finished := f.run("finished", v1alpha1.PhaseRunning)
	finished.Status.Phase = v1alpha1.PhaseSucceeded
	old := f.run("old", v1alpha1.PhaseRunning)
	old.Status.Phase = v1alpha1.PhaseSucceeded
	old.Status.CompletionTime = &metav1.Time{Time: decideNow.Add(-f.cfg.JobTTL - time.Minute)}
	recent := old.DeepCopy()
	recent.Status.CompletionTime = &metav1.Time{Time: decideNow.Add(-time.Minute)}
	expired := old.DeepCopy()
	expired.Finalizers = nil
	expired.Spec.TTLSecondsAfterFinished = ptr.To[int32](60)
	deleted := f.run("deleted", v1alpha1.PhaseRunning)
	deleted.DeletionTimestamp = &metav1.Time{Time: decideNow}
	return []decideCase{
		{name: "cancelling a running run records Cancelled, then stops the Job; the lock stays while the Job is there",
			run: cancelled, w: f.world(cancelled, f.lease(cancelled, 3, 0), f.job(cancelled, ""), holderFacts{}),
			phase: v1alpha1.PhaseCancelled, reason: v1alpha1.ReasonCancelled, actions: []string{"DeleteJob cancelled-runner"},
			events: []string{v1alpha1.ReasonCancelled}},
		{name: "a Job being deleted is not deleted again",
			run: finished, w: f.world(finished, f.lease(finished, 3, 0), deleting(f.job(finished, "")), holderFacts{}),
			phase: v1alpha1.PhaseSucceeded},
		{name: "a finished run still holding its lock releases it once its Pods have terminated, and lets go of its finalizer",
			run: finished, w: f.world(finished, f.lease(finished, 3, 0), f.job(finished, batchv1.JobComplete), holderFacts{}),
			phase: v1alpha1.PhaseSucceeded, actions: []string{"ReleaseLock", "RemoveFinalizer"}},
		{name: "a finished Job is kept for --job-ttl after the run recorded its end",
			run: recent, w: f.world(recent, nil, f.job(recent, batchv1.JobComplete), holderFacts{}), phase: v1alpha1.PhaseSucceeded,
			actions: []string{"RemoveFinalizer"}},
		{name: "and deleted then",
			run: old, w: f.world(old, nil, f.job(old, batchv1.JobComplete), holderFacts{}), phase: v1alpha1.PhaseSucceeded,
			actions: []string{"DeleteJob old-runner", "RemoveFinalizer"}},
		{name: "a finished run is deleted ttlSecondsAfterFinished after it finished",
			run: expired, w: f.world(expired, nil, nil, holderFacts{}), phase: v1alpha1.PhaseSucceeded, actions: []string{"DeleteRun"}},
		{name: "but not while something of it still executes",
			run: expired, w: f.world(expired, nil, deleting(f.job(expired, "")), holderFacts{}), phase: v1alpha1.PhaseSucceeded},
		{name: "a run being deleted stops its Job and keeps its lock and finalizer while the Job is there",
			run: deleted, w: f.world(deleted, f.lease(deleted, 3, 0), f.job(deleted, ""), holderFacts{}),
			phase: v1alpha1.PhaseRunning, actions: []string{"DeleteJob deleted-runner"}},
		{name: "then releases its lock and lets go of its finalizer",
			run: deleted, w: f.world(deleted, f.lease(deleted, 3, 0), nil, holderFacts{}),
			phase: v1alpha1.PhaseRunning, actions: []string{"ReleaseLock", "RemoveFinalizer"}},
	}
}

func duplicateCases(f fixture) []decideCase {
	follower := func(name string) *v1alpha1.ForecastRun {
		run := f.run(name, v1alpha1.PhaseRunning)
		run.Status = v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning, DuplicateOf: "primary"}
		return run
	}
	primary := f.run("primary", v1alpha1.PhaseRunning)
	primary.Status.Phase = v1alpha1.PhaseSucceeded
	primary.Status.Result = &v1alpha1.Result{ItemsForecast: 50}
	orphan, mirror, left := follower("orphan"), follower("mirror"), follower("left")
	timedOut := f.run("primary", v1alpha1.PhaseFailed)
	timedOut.Status.Conditions = []metav1.Condition{{Type: v1alpha1.ConditionFailed, Status: metav1.ConditionTrue, Reason: v1alpha1.ReasonQueueTimeout}}
	return []decideCase{
		{name: "a duplicate does not inherit its primary's queue timeout: it stands on its own",
			run: left, w: &world{now: decideNow, cfg: f.cfg, stage: stageDuplicate, primary: timedOut}, phase: v1alpha1.PhasePending, reason: v1alpha1.ReasonPending,
			events: []string{v1alpha1.ReasonPending},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if next.Status.DuplicateOf != "" || next.Status.DuplicateOfUID != "" {
					t.Errorf("still a duplicate of %s (%s)", next.Status.DuplicateOf, next.Status.DuplicateOfUID)
				}
			}},
		{name: "a duplicate whose primary is gone stands on its own again",
			run: orphan, w: &world{now: decideNow, cfg: f.cfg, stage: stageDuplicate}, phase: v1alpha1.PhasePending, reason: v1alpha1.ReasonPending,
			events: []string{v1alpha1.ReasonPending},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if next.Status.DuplicateOf != "" {
					t.Errorf("still a duplicate of %s", next.Status.DuplicateOf)
				}
			}},
		{name: "a duplicate ends with its primary and takes its result",
			run: mirror, w: &world{now: decideNow, cfg: f.cfg, stage: stageDuplicate, primary: primary},
			phase: v1alpha1.PhaseSucceeded, reason: v1alpha1.ReasonDuplicate, events: []string{v1alpha1.ReasonDuplicate}, actions: []string{"RemoveFinalizer"},
			check: func(t *testing.T, next *v1alpha1.ForecastRun) {
				if next.Status.Result == nil || next.Status.Result.ItemsForecast != 50 {
					t.Errorf("result = %+v", next.Status.Result)
				}
			}},
	}
}

func TestDecide(t *testing.T) {
	f := newFixture()
	var cases []decideCase
	for _, group := range []func(fixture) []decideCase{waitingCases, runningCases, endingCases, duplicateCases} {
		cases = append(cases, group(f)...)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.run.DeepCopy()
			d := decide(tc.run, tc.w)
			if !equality.Semantic.DeepEqual(before, tc.run) {
				t.Fatalf("decide changed the run it was given")
			}
			if d.run.Status.Phase != tc.phase {
				t.Errorf("phase = %q (%s), want %q", d.run.Status.Phase, d.run.Status.Message, tc.phase)
			}
			if tc.reason != "" {
				if c := meta.FindStatusCondition(d.run.Status.Conditions, v1alpha1.ConditionReconciling); c == nil || c.Reason != tc.reason {
					t.Errorf("Reconciling condition = %+v, want reason %s", c, tc.reason)
				}
			}
			if diff := cmp.Diff(tc.actions, describeActions(d.actions)); diff != "" {
				t.Errorf("actions (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.events, eventReasons(d.events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if tc.check != nil {
				tc.check(t, d.run)
			}
			assertDecidedAgain(t, d, tc.w)
		})
	}
}

// assertDecidedAgain checks what makes "record, then act" safe: when the
// record was written but the actions were not carried out (the manager
// died, an action failed), the next pass, seeing the same world, records
// nothing new and decides at least the same actions again.
func assertDecidedAgain(t *testing.T, first decision, w *world) {
	t.Helper()
	again := *w
	again.stage = stageOf(first.run)
	second := decide(first.run, &again)
	// A pass into a new stage leaves that stage's own observations (a queue
	// position) to the next pass, which records them.
	if again.stage == w.stage && !equality.Semantic.DeepEqual(first.run.Status, second.run.Status) {
		t.Errorf("a repeated pass records something new: %s", cmp.Diff(first.run.Status, second.run.Status))
	}
	want := map[string]bool{}
	for _, a := range describeActions(second.actions) {
		want[a] = true
	}
	for _, a := range describeActions(first.actions) {
		if !want[a] {
			t.Errorf("a repeated pass forgets action %q (it decides %v)", a, describeActions(second.actions))
		}
	}
}

func describeActions(acts []action) []string {
	var out []string
	for _, a := range acts {
		s := string(a.kind)
		switch {
		case a.job != "":
			s += " " + a.job
		case a.token != "":
			s += " " + a.token
		}
		out = append(out, s)
	}
	return out
}

func eventReasons(events []event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.reason)
	}
	return out
}
