package controllers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestTimeLeft(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	run := testutil.MakeForecastRun("a", "ns").Timeout(metav1.Duration{Duration: time.Minute}).
		QueueTimeout(metav1.Duration{Duration: time.Hour}).Obj()
	run.CreationTimestamp = metav1.NewTime(now.Add(-30 * time.Minute))
	if left, ok := queueTimeLeft(run, now); !ok || left != 30*time.Minute+storedTimeSlack {
		t.Errorf("queue time left = %s, %v; want 30m1s", left, ok)
	}
	if _, ok := timeLeft(run, now); ok {
		t.Errorf("a run never admitted has no execution timeout running")
	}
	run.Status.StartTime = &metav1.Time{Time: now.Add(-2 * time.Hour)}
	run.Status.AdmittedAt = &metav1.Time{Time: now.Add(-2 * time.Minute)}
	if _, ok := queueTimeLeft(run, now); ok {
		t.Errorf("queueTimeout must not apply after the first start (a preempted run waits again)")
	}
	if left, ok := timeLeft(run, now); !ok || left > 0 {
		t.Errorf("time left = %s, %v; want the timeout passed", left, ok)
	}
}

func setCancel(t *testing.T, ns, name string) {
	t.Helper()
	run := getRun(t, ns, name)
	patch := client.MergeFrom(run.DeepCopy())
	run.Spec.Cancel = true
	if err := k8sClient.Patch(context.Background(), run, patch); err != nil {
		t.Fatalf("cancelling %s: %v", name, err)
	}
}

func jobGone(ns, name string) func() error {
	return func() error {
		var job batchv1.Job
		err := k8sClient.Get(context.Background(), keyOf(ns, name), &job)
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("job %s still exists (err %v)", name, err)
	}
}

// TestCancelQueuedAndRunning: spec.cancel stops a waiting run and a running
// one; the running one's Job is deleted and its lock released.
func TestCancelQueuedAndRunning(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("running", ns).Horizon(1).Obj())
	waitPhase(t, ns, "running", v1alpha1.PhaseRunning)
	waitJob(t, ns, "running-runner")
	// Names sort like the creation order, so the queue order does not
	// depend on whether both were created in the same second.
	create(t, testutil.MakeForecastRun("queued", ns).Horizon(2).Obj())
	create(t, testutil.MakeForecastRun("zz-next", ns).Horizon(3).Obj())
	eventually(t, 10*time.Second, "two queued", queueIs(ns, "queued", "zz-next"))

	setCancel(t, ns, "queued")
	q := waitPhase(t, ns, "queued", v1alpha1.PhaseCancelled)
	assertConditions(t, q, map[string]bool{v1alpha1.ConditionStalled: true, v1alpha1.ConditionReady: false})
	assertNoCondition(t, q, v1alpha1.ConditionFailed) // cancelled, not failed
	eventually(t, 10*time.Second, "the next run moves up", queueIs(ns, "zz-next"))

	setCancel(t, ns, "running")
	waitPhase(t, ns, "running", v1alpha1.PhaseCancelled)
	eventually(t, 10*time.Second, "the cancelled run's job is deleted", jobGone(ns, "running-runner"))
	waitPhase(t, ns, "zz-next", v1alpha1.PhaseRunning)
	waitJob(t, ns, "zz-next-runner")
	eventually(t, 10*time.Second, "a Cancelled event each", func() error {
		for _, name := range []string{"queued", "running"} {
			if err := eventsAre(ns, name, v1alpha1.ReasonCancelled)(); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestTimeout: a run still running after spec.timeout fails, its Job is
// deleted and the lock released. The Job also carries the deadline itself.
func TestTimeout(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("slow", ns).Timeout(metav1.Duration{Duration: 2 * time.Second}).Obj())
	job := waitJob(t, ns, "slow-runner")
	if got := ptr.Deref(job.Spec.ActiveDeadlineSeconds, 0); got != 2 {
		t.Errorf("activeDeadlineSeconds = %d, want 2", got)
	}
	run := waitPhase(t, ns, "slow", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonTimeout {
		t.Errorf("failed condition = %+v, want reason %s", c, v1alpha1.ReasonTimeout)
	}
	eventually(t, 10*time.Second, "job deleted", jobGone(ns, "slow-runner"))
	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
}

// TestTimeoutOnInjectedClock: the reconciler reads time only from its
// clock, so an hour-long timeout is tested by stepping a fake clock.
func TestTimeoutOnInjectedClock(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	clk := clocktesting.NewFakeClock(time.Now())
	startManager(t, ns, withClock(clk))
	create(t, testutil.MakeForecastRun("hour", ns).Timeout(metav1.Duration{Duration: time.Hour}).Obj())
	waitJob(t, ns, "hour-runner")
	consistently(t, time.Second, "no timeout before the hour", phaseIs(ns, "hour", v1alpha1.PhaseRunning))
	clk.Step(61 * time.Minute)
	run := getRun(t, ns, "hour")
	reportShard(t, ns, "hour", 0, 1, 50, run.Status.FencingToken) // any event wakes the run
	run = waitPhase(t, ns, "hour", v1alpha1.PhaseFailed)
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonTimeout {
		t.Errorf("failed condition = %+v, want reason %s", c, v1alpha1.ReasonTimeout)
	}
}

// TestTimedOutRunIsNotAdmittedAgain (defect 1): the pass that fails a run
// for its timeout loses its status write to a concurrent writer (a runner
// reporting progress, which runners do every second). The run must still
// end Failed after one execution: the failure is recorded before the Job is
// stopped and the lock released, so the lost write has stopped nothing and
// the next pass decides the same again.
func TestTimedOutRunIsNotAdmittedAgain(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	var interfered atomic.Bool
	startManager(t, ns, withRequestHook(func(req *http.Request) {
		if req.Method != http.MethodPatch || !strings.HasSuffix(req.URL.Path, "/forecastruns/slow/status") {
			return
		}
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		if !bytes.Contains(body, []byte(`"`+v1alpha1.ReasonTimeout+`"`)) || interfered.Swap(true) {
			return
		}
		// The runner reports just before the manager's write lands, which
		// then conflicts at the API server.
		if run := getRunNoT(ns, "slow"); run != nil {
			_ = reportShardErr(ns, "slow", 0, 1, 50, run.Status.FencingToken)
		}
	}))
	create(t, testutil.MakeForecastRun("slow", ns).Timeout(metav1.Duration{Duration: 2 * time.Second}).Obj())
	waitJob(t, ns, "slow-runner")
	run := waitPhase(t, ns, "slow", v1alpha1.PhaseFailed)
	if !interfered.Load() {
		t.Fatalf("the status write that records the timeout was never made to conflict")
	}
	if c := findCondition(run, v1alpha1.ConditionFailed); c == nil || c.Reason != v1alpha1.ReasonTimeout {
		t.Errorf("failed condition = %+v, want reason %s", c, v1alpha1.ReasonTimeout)
	}
	consistently(t, 2*time.Second, "the run is not executed again", func() error {
		r := getRunNoT(ns, "slow")
		if r == nil || r.Status.Phase != v1alpha1.PhaseFailed || r.Status.Preemptions != 0 || r.Status.JobName != "slow-runner" {
			return fmt.Errorf("run %+v", r.Status)
		}
		for _, j := range listJobs(t, ns) {
			if j.Name != "slow-runner" {
				return fmt.Errorf("a second Job %s", j.Name)
			}
		}
		counts, err := eventCounts(ns, "slow")
		if err == nil && counts[v1alpha1.ReasonLockLost] > 0 {
			return fmt.Errorf("the run lost its lock and went back to the queue: %v", counts)
		}
		return err
	})
	eventually(t, 10*time.Second, "lock released", leaseHolderIs(ns, "forecast-pipeline", ""))
}

// TestLockWaitsForTheHoldersPods (defect 2): a cancelled run's Pod keeps
// running on a slow node after its Job is deleted. The next run must not be
// admitted beside it: the lock passes only once the Pod is gone, and the
// waiting run says why it waits.
func TestLockWaitsForTheHoldersPods(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("holder", ns).Horizon(1).Obj())
	waitPhase(t, ns, "holder", v1alpha1.PhaseRunning)
	pod := startRunnerPod(t, waitJob(t, ns, "holder-runner"), "slow-node")
	create(t, testutil.MakeForecastRun("next", ns).Horizon(2).Obj())
	waitPhase(t, ns, "next", v1alpha1.PhaseQueued)
	holder := getRun(t, ns, "holder")

	setCancel(t, ns, "holder")
	waitPhase(t, ns, "holder", v1alpha1.PhaseCancelled)
	eventually(t, 10*time.Second, "the holder's Pod is told to stop", func() error {
		var p corev1.Pod
		if err := k8sClient.Get(context.Background(), keyOf(ns, pod.Name), &p); err != nil || p.DeletionTimestamp.IsZero() {
			return fmt.Errorf("pod %s not terminating (%v)", pod.Name, err)
		}
		return nil
	})
	eventually(t, 10*time.Second, "the waiting run says what it waits for", func() error {
		if msg := getRun(t, ns, "next").Status.Message; !strings.Contains(msg, "1 runner Pod") || !strings.Contains(msg, "terminate") {
			return fmt.Errorf("message %q does not mention the terminating Pod", msg)
		}
		return nil
	})
	consistently(t, 3*time.Second, "the lock stays with the holder while its Pod runs", func() error {
		if err := leaseHolderIs(ns, "forecast-pipeline", holderID(holder))(); err != nil {
			return err
		}
		return phaseIs(ns, "next", v1alpha1.PhaseQueued)()
	})

	deletePodNow(t, pod)
	waitPhase(t, ns, "next", v1alpha1.PhaseRunning)
	waitJob(t, ns, "next-runner")
	eventually(t, 10*time.Second, "the stopped Job is gone", jobGone(ns, "holder-runner"))
}
