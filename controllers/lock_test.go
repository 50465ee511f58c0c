package controllers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	promtestutil "github.com/prometheus/client_golang/prometheus/testutil"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestDecideLock(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	lease := func(holder string, renewedAgo time.Duration) *coordinationv1.Lease {
		l := &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{labelManagedBy: managerName}},
			Spec:       coordinationv1.LeaseSpec{LeaseDurationSeconds: ptr.To[int32](60)},
		}
		if holder != "" {
			l.Spec.HolderIdentity = ptr.To(holder)
			l.Spec.RenewTime = &metav1.MicroTime{Time: now.Add(-renewedAgo)}
		}
		return l
	}
	foreign := func(l *coordinationv1.Lease) *coordinationv1.Lease { l.Labels = nil; return l }
	live := holderFacts{isRun: true, found: true, execution: execution{unfinishedJob: "other-runner"}}
	stopping := holderFacts{isRun: true, found: true, finished: true, execution: execution{livePods: 1}}
	cases := []struct {
		name  string
		lease *coordinationv1.Lease
		facts holderFacts
		want  lockState
	}{
		{"no lease", nil, holderFacts{}, lockFree},
		{"released", lease("", 0), holderFacts{}, lockFree},
		{"mine", lease("self/uid-s", time.Hour), holderFacts{}, lockMine},
		{"live holder", lease("other/uid-o", time.Second), live, lockHeld},
		{"holder run deleted", lease("other/uid-o", time.Second), holderFacts{isRun: true}, lockStale},
		{"holder run finished", lease("other/uid-o", time.Second), holderFacts{isRun: true, found: true, finished: true}, lockStale},
		{"silent holder without a job", lease("other/uid-o", 61*time.Second), holderFacts{isRun: true, found: true}, lockStale},
		{"silent holder not yet expired", lease("other/uid-o", 59*time.Second), holderFacts{isRun: true, found: true}, lockHeld},
		{"silent holder with a live job is re-adopted, not taken", lease("other/uid-o", time.Hour), live, lockHeld},
		{"a finished holder keeps the lock while a Pod of it still runs", lease("other/uid-o", time.Hour), stopping, lockHeld},
		{"so does a deleted holder", lease("other/uid-o", time.Hour), holderFacts{isRun: true, execution: execution{livePods: 2}}, lockHeld},
		{"foreign holder respected while renewed", lease("maintenance", 30*time.Second), holderFacts{}, lockHeld},
		{"foreign holder taken once expired", lease("maintenance", 60*time.Second), holderFacts{}, lockStale},
		{"a Lease the operator did not create is never used", foreign(lease("payments/replica-1", time.Hour)), holderFacts{isRun: true}, lockForeign},
		{"not even when nobody holds it", foreign(lease("", 0)), holderFacts{}, lockForeign},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := decideLock(tc.lease, "self/uid-s", tc.facts, now)
			if d.state != tc.want {
				t.Errorf("state = %d (%s), want %d", d.state, d.reason, tc.want)
			}
			if d.state == lockStale && d.reason == "" {
				t.Errorf("a takeover needs a reason for people")
			}
		})
	}
}

func TestParseHolder(t *testing.T) {
	run := testutil.MakeForecastRun("nightly", "ns").Obj()
	run.UID = "5c0e3f5e-8d1a-4c36-9a43-6f1f0c1b2a10"
	name, uid, ok := parseHolder(holderID(run))
	if !ok || name != "nightly" || uid != run.UID {
		t.Errorf("parseHolder(holderID) = %q, %q, %v", name, uid, ok)
	}
	for _, foreign := range []string{"", "maintenance", "/x", "x/", "alice/maintenance", "kube-system/kube-scheduler"} {
		if _, _, ok := parseHolder(foreign); ok {
			t.Errorf("parseHolder(%q) took a foreign holder for a run", foreign)
		}
	}
}

// TestStaleLockHolderDeletedWhileNoManager: the holder run disappears while
// no manager runs (its finalizer removed by hand, as when the operator is
// uninstalled); the next manager takes the Lease over for the queued run.
func TestStaleLockHolderDeletedWhileNoManager(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	first := startManager(t, ns)
	create(t, testutil.MakeForecastRun("vanished", ns).Horizon(1).Obj())
	waitJob(t, ns, "vanished-runner")
	gone := waitPhase(t, ns, "vanished", v1alpha1.PhaseRunning)
	first.stop(t)

	if err := k8sClient.Delete(context.Background(), gone); err != nil {
		t.Fatalf("deleting the holder: %v", err)
	}
	gone = getRun(t, ns, "vanished")
	gone.Finalizers = nil
	if err := k8sClient.Update(context.Background(), gone); err != nil {
		t.Fatalf("removing the holder's finalizer: %v", err)
	}
	create(t, testutil.MakeForecastRun("heir", ns).Horizon(2).Obj())
	before := promtestutil.ToFloat64(lockTakeovers.WithLabelValues(ns, "forecast-pipeline"))

	startManager(t, ns)
	heir := waitPhase(t, ns, "heir", v1alpha1.PhaseRunning)
	waitJob(t, ns, "heir-runner")
	l := lease(t, ns, "forecast-pipeline")
	if got := ptr.Deref(l.Spec.HolderIdentity, ""); got != holderID(heir) || ptr.Deref(l.Spec.LeaseTransitions, 0) != 1 {
		t.Errorf("lease holder %q transitions %d, want %q and 1", got, ptr.Deref(l.Spec.LeaseTransitions, 0), holderID(heir))
	}
	if after := promtestutil.ToFloat64(lockTakeovers.WithLabelValues(ns, "forecast-pipeline")); after != before+1 {
		t.Errorf("takeovers metric went from %v to %v, want one more", before, after)
	}
	eventually(t, 10*time.Second, "a takeover event", eventsAre(ns, "heir", "LockTakenOver"))
}

// TestUnrenewedLeaseTakenOverAfterItsDuration: the operator's Lease, held
// by something that is not a run (a person holding the lock for a
// maintenance window writes its holderIdentity), is respected for its
// duration even though the identity contains a "/", then taken over once it
// goes unrenewed; the queued run wakes up by itself when it expires.
func TestUnrenewedLeaseTakenOverAfterItsDuration(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	renewed := metav1.NewMicroTime(time.Now())
	create(t, &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: "forecast-pipeline", Namespace: ns, Labels: map[string]string{labelManagedBy: managerName}},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity: ptr.To("ops/maintenance-window"), LeaseDurationSeconds: ptr.To[int32](3),
			AcquireTime: &renewed, RenewTime: &renewed, LeaseTransitions: ptr.To[int32](7),
		},
	})
	startManager(t, ns, withLease(3*time.Second))
	create(t, testutil.MakeForecastRun("patient", ns).Obj())
	q := waitPhase(t, ns, "patient", v1alpha1.PhaseQueued)
	if !strings.Contains(q.Status.Message, "held by ops/maintenance-window") {
		t.Errorf("message = %q, want it to name the holder", q.Status.Message)
	}
	run := waitPhase(t, ns, "patient", v1alpha1.PhaseRunning)
	if waited := time.Since(renewed.Time); waited < 3*time.Second {
		t.Errorf("taken over after %s, before the lease's 3s duration", waited)
	}
	if want := fmt.Sprintf("%s/8/%s", lease(t, ns, "forecast-pipeline").UID, run.UID); run.Status.FencingToken != want {
		t.Errorf("fencing token = %q, want %q, the next transition 8", run.Status.FencingToken, want)
	}
	waitJob(t, ns, "patient-runner")
}

// TestJobIsCreatedOnlyUnderAConfirmedHold: a run confirms its hold on a
// fresh read and then creates its Job. If its Lease had gone unrenewed for
// its duration, another manager could take it in between, and the Job ran
// beside the new holder's (which may explain "run burst-03 had 2 Jobs",
// seen once under heavy load). The Job is now created only after renewing
// the Lease on the version read.
func TestJobIsCreatedOnlyUnderAConfirmedHold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ns := newNamespace(t)
	run := testutil.MakeForecastRun("late", ns).Obj()
	create(t, run)
	now := metav1.NewMicroTime(time.Now().Add(-time.Minute))
	held := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: run.Spec.LockName, Namespace: ns, Labels: map[string]string{labelManagedBy: managerName}},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity: ptr.To(holderID(run)), LeaseDurationSeconds: ptr.To[int32](6),
			AcquireTime: &now, RenewTime: &now, LeaseTransitions: ptr.To[int32](1),
		},
	}
	create(t, held)
	read := held.DeepCopy() // what the run's pass read: its own, silent hold
	held.Spec.HolderIdentity = ptr.To("other/" + "8d7a1f1e-3b5c-4c8e-9f5a-2d9c1e7b6a40")
	if err := k8sClient.Update(ctx, held); err != nil {
		t.Fatal(err)
	}

	r := &Reconciler{Client: k8sClient, APIReader: k8sClient, Scheme: scheme, Clock: clock.RealClock{}, Config: DefaultConfig()}
	run.Status.Phase, run.Status.JobName = v1alpha1.PhaseRunning, "late-runner"
	err := r.act(ctx, run, &world{lock: lockView{lease: read}}, []action{{kind: actCreateJob}})
	if err == nil {
		t.Error("creating the Job after the Lease passed to another holder succeeded, want an error")
	}
	if jobs := listJobs(t, ns); len(jobs) != 0 {
		t.Errorf("a Job %s was created after the lock passed to another holder", jobs[0].Name)
	}
	if got := lease(t, ns, run.Spec.LockName); leaseHolder(got) != "other/8d7a1f1e-3b5c-4c8e-9f5a-2d9c1e7b6a40" {
		t.Errorf("the Lease is held by %q after the failed creation, want the new holder's", leaseHolder(got))
	}
}

// TestManagerRestartKeepsHolder: a manager stopped mid-run for longer than
// the lease duration and a new one started: the running holder is
// re-adopted (same holder, same Job, lease renewed), and a queued run does
// not take the silent Lease from it.
func TestManagerRestartKeepsHolder(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	first := startManager(t, ns, withLease(3*time.Second))
	create(t, testutil.MakeForecastRun("survivor", ns).Horizon(1).Obj())
	job := waitJob(t, ns, "survivor-runner")
	run := waitPhase(t, ns, "survivor", v1alpha1.PhaseRunning)
	create(t, testutil.MakeForecastRun("waiter", ns).Horizon(2).Obj())
	waitPhase(t, ns, "waiter", v1alpha1.PhaseQueued)
	first.stop(t)
	time.Sleep(4 * time.Second) // the Lease goes unrenewed past its duration

	startManager(t, ns, withLease(3*time.Second))
	l := lease(t, ns, "forecast-pipeline")
	renewedBefore := l.Spec.RenewTime.Time
	consistently(t, 4*time.Second, "the holder is kept and no second Job starts", func() error {
		l := leaseOrNil(ns, "forecast-pipeline")
		if got := ptr.Deref(l.Spec.HolderIdentity, ""); got != holderID(run) {
			return fmt.Errorf("lease holder %q, want %q", got, holderID(run))
		}
		if jobs := listJobs(t, ns); len(jobs) != 1 || jobs[0].UID != job.UID {
			return fmt.Errorf("%d jobs", len(jobs))
		}
		return phaseIs(ns, "waiter", v1alpha1.PhaseQueued)()
	})
	if l := lease(t, ns, "forecast-pipeline"); !l.Spec.RenewTime.After(renewedBefore) {
		t.Errorf("the new manager did not renew the re-adopted lease")
	}
	if got := getRun(t, ns, "survivor"); got.Status.FencingToken != run.Status.FencingToken || got.Status.Preemptions != 0 {
		t.Errorf("token %q preemptions %d after restart, want %q and 0", got.Status.FencingToken, got.Status.Preemptions, run.Status.FencingToken)
	}
	finishJob(t, ns, "survivor-runner", true)
	waitPhase(t, ns, "survivor", v1alpha1.PhaseSucceeded)
	waitJob(t, ns, "waiter-runner")
}

// TestTwoManagersNeverTwoHolders: two managers without leader election
// reconcile 50 runs created in bursts while the test plays the Job
// controller. Every Lease and Job change is recorded through watches: the
// holder only changes through a release, transitions only grow, at most
// one runner Job is active at any moment, and no run gets two Jobs.
func TestTwoManagersNeverTwoHolders(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &watchRecorder{}
	rec.start(ctx, t, ns)
	startManager(t, ns)
	startManager(t, ns)
	go playJobController(ctx, ns)

	for burst := range 5 {
		var wg sync.WaitGroup
		for i := range 10 {
			n := burst*10 + i
			b := testutil.MakeForecastRun(fmt.Sprintf("burst-%02d", n), ns).Horizon(int32(n%20 + 1))
			if n%3 == 0 {
				b.Priority(v1alpha1.PriorityHigh)
			}
			wg.Go(func() { create(t, b.Obj()) })
		}
		wg.Wait()
		time.Sleep(300 * time.Millisecond)
	}
	eventually(t, 120*time.Second, "all fifty Succeeded", func() error {
		return allRuns(ns, func(r *v1alpha1.ForecastRun) error {
			if r.Status.Phase != v1alpha1.PhaseSucceeded {
				return fmt.Errorf("%s is %s (%s)", r.Name, r.Status.Phase, r.Status.Message)
			}
			return nil
		})
	})
	// A run records its end before it releases the lock (record, then
	// act), so the last release may still be on its way.
	eventually(t, 30*time.Second, "the last holder released the lock", rec.released)
	rec.check(t)
}

// watchRecorder records Lease and Job changes in one namespace.
type watchRecorder struct {
	mu     sync.Mutex
	ns     string
	errs   []string
	holder string
	// handovers are holder changes without a release between them: a
	// waiting run may take the lock of a holder that has finished before
	// that holder's own pass lets it go; check verifies that it had.
	handovers   [][2]string
	transitions int32
	changes     int
	active      map[string]bool // Jobs not finished
	jobsPerRun  map[string]map[string]bool
	maxActive   int
}

func (w *watchRecorder) start(ctx context.Context, t *testing.T, ns string) {
	t.Helper()
	wc, err := client.NewWithWatch(cp.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatalf("creating a watching client: %v", err)
	}
	leases, err := wc.Watch(ctx, &coordinationv1.LeaseList{}, client.InNamespace(ns))
	if err != nil {
		t.Fatalf("watching leases: %v", err)
	}
	jobs, err := wc.Watch(ctx, &batchv1.JobList{}, client.InNamespace(ns))
	if err != nil {
		t.Fatalf("watching jobs: %v", err)
	}
	w.ns, w.active, w.jobsPerRun = ns, map[string]bool{}, map[string]map[string]bool{}
	go drain(leases, func(e watch.Event) { w.lease(e.Object.(*coordinationv1.Lease)) })
	go drain(jobs, func(e watch.Event) { w.job(e.Type, e.Object.(*batchv1.Job)) })
}

func drain(wi watch.Interface, f func(watch.Event)) {
	for e := range wi.ResultChan() {
		if e.Type == watch.Added || e.Type == watch.Modified || e.Type == watch.Deleted {
			f(e)
		}
	}
}

func (w *watchRecorder) lease(l *coordinationv1.Lease) {
	w.mu.Lock()
	defer w.mu.Unlock()
	holder, tr := ptr.Deref(l.Spec.HolderIdentity, ""), ptr.Deref(l.Spec.LeaseTransitions, 0)
	if holder != w.holder {
		w.changes++
		if w.holder != "" && holder != "" {
			w.handovers = append(w.handovers, [2]string{w.holder, holder})
		}
	}
	if tr < w.transitions {
		w.errs = append(w.errs, fmt.Sprintf("leaseTransitions went back from %d to %d", w.transitions, tr))
	}
	w.holder, w.transitions = holder, tr
}

func (w *watchRecorder) job(typ watch.EventType, job *batchv1.Job) {
	w.mu.Lock()
	defer w.mu.Unlock()
	run := job.Labels[labelRun]
	if w.jobsPerRun[run] == nil {
		w.jobsPerRun[run] = map[string]bool{}
	}
	w.jobsPerRun[run][job.Name] = true
	_, finished := jobOutcome(job)
	w.active[job.Name] = typ != watch.Deleted && !finished
	n := 0
	for _, a := range w.active {
		if a {
			n++
		}
	}
	w.maxActive = max(w.maxActive, n)
}

// released says whether the last Lease change the watch saw left it free.
func (w *watchRecorder) released() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.holder != "" {
		return fmt.Errorf("the lease is held by %s", w.holder)
	}
	return nil
}

func (w *watchRecorder) check(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, e := range w.errs {
		t.Error(e)
	}
	if w.maxActive != 1 {
		t.Errorf("at most %d runner Jobs were active at once, want exactly 1", w.maxActive)
	}
	total := 0
	for run, jobs := range w.jobsPerRun {
		total += len(jobs)
		if len(jobs) > 1 {
			t.Errorf("run %s had %d Jobs", run, len(jobs))
		}
	}
	t.Logf("lease holder changes %d (%d handovers), transitions %d, jobs %d for 50 runs", w.changes, len(w.handovers), w.transitions, total)
	if total == 0 || w.changes+len(w.handovers) < 2*total {
		t.Errorf("recorded %d holder changes and %d handovers for %d jobs; the watch missed acquisitions or releases", w.changes, len(w.handovers), total)
	}
	for _, h := range w.handovers {
		checkHandover(t, w.ns, h[0], h[1])
	}
}

// checkHandover: a lock passed from one holder to the next without a
// release only if the first had finished when the second took it (which
// decideLock allows: "holder has finished").
func checkHandover(t *testing.T, ns, from, to string) {
	t.Helper()
	prev, next := runOfHolder(t, ns, from), runOfHolder(t, ns, to)
	ended, admitted := prev.Status.CompletionTime, next.Status.AdmittedAt
	if !prev.Status.Phase.Finished() || ended == nil || admitted == nil || admitted.Before(ended) {
		t.Errorf("lease passed from %s (%s, completed %v) to %s (admitted %v) without a release", from, prev.Status.Phase, ended, to, admitted)
	}
}

func runOfHolder(t *testing.T, ns, holder string) *v1alpha1.ForecastRun {
	t.Helper()
	name, _, _ := strings.Cut(holder, "/")
	var run v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &run); err != nil {
		t.Fatalf("reading the run of holder %s: %v", holder, err)
	}
	return &run
}

// playJobController completes every runner Job shortly after it appears.
func playJobController(ctx context.Context, ns string) {
	for ctx.Err() == nil {
		var jobs batchv1.JobList
		if err := k8sClient.List(ctx, &jobs, client.InNamespace(ns)); err == nil {
			for _, j := range jobs.Items {
				if _, done := jobOutcome(&j); !done && time.Since(j.CreationTimestamp.Time) > 100*time.Millisecond {
					_ = finishJobErr(ns, j.Name, true)
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestRecreatedLeaseGivesANewToken (defect 8): the Lease is deleted while
// its holder runs (a clean-up script, a namespace restore). The holder goes
// back to the queue and is admitted again under a Lease created afresh,
// whose transitions count from 0 again. Its new fencing token must still
// differ from the old one, so the runner of the first hold cannot move the
// progress of the second.
func TestRecreatedLeaseGivesANewToken(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("twice", ns).Obj())
	waitJob(t, ns, "twice-runner")
	first := waitPhase(t, ns, "twice", v1alpha1.PhaseRunning)
	reportShard(t, ns, "twice", 0, 10, 50, first.Status.FencingToken)
	eventually(t, 10*time.Second, "progress", progressIs(ns, "twice", 10, 50))

	if err := k8sClient.Delete(context.Background(), lease(t, ns, "forecast-pipeline")); err != nil {
		t.Fatalf("deleting the lease: %v", err)
	}
	waitJob(t, ns, "twice-runner-1")
	var second *v1alpha1.ForecastRun
	eventually(t, 20*time.Second, "admitted again", func() error {
		second = getRunNoT(ns, "twice")
		if second == nil || second.Status.Phase != v1alpha1.PhaseRunning || second.Status.JobName != "twice-runner-1" {
			return fmt.Errorf("run is %+v", second)
		}
		return nil
	})
	if second.Status.FencingToken == first.Status.FencingToken {
		t.Fatalf("the second hold has the first hold's token %q", first.Status.FencingToken)
	}
	reportShard(t, ns, "twice", 0, 45, 50, first.Status.FencingToken) // the first runner, late
	consistently(t, time.Second, "the first hold's runner is ignored", progressIs(ns, "twice", 10, 50))
}

// TestForeignLeaseIsNotTaken (defect 9): spec.lockName names a Lease that
// another application uses for its leader election, and whose holder
// identity happens to look like "<name>/<something>". The run must not
// take it over (before, the identity was read as a vanished run and taken
// at once): it fails with a message saying whose Lease it is, and the Lease
// is left as it was.
func TestForeignLeaseIsNotTaken(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	renewed := metav1.NewMicroTime(time.Now())
	create(t, &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: "payments", Namespace: ns},
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity: ptr.To("payments/replica-1"), LeaseDurationSeconds: ptr.To[int32](15),
			AcquireTime: &renewed, RenewTime: &renewed, LeaseTransitions: ptr.To[int32](2),
		},
	})
	before := lease(t, ns, "payments")
	startManager(t, ns)
	create(t, testutil.MakeForecastRun("intruder", ns).LockName("payments").Obj())
	run := waitPhase(t, ns, "intruder", v1alpha1.PhaseFailed)
	c := findCondition(run, v1alpha1.ConditionFailed)
	if c == nil || c.Reason != v1alpha1.ReasonLockNotOwned || !strings.Contains(c.Message, "lease payments") {
		t.Errorf("failed condition = %+v, want reason %s naming the lease", c, v1alpha1.ReasonLockNotOwned)
	}
	consistently(t, time.Second, "the foreign Lease is left alone", func() error {
		if l := leaseOrNil(ns, "payments"); l == nil || l.ResourceVersion != before.ResourceVersion {
			return fmt.Errorf("lease changed: %+v", l)
		}
		if n := len(listJobs(t, ns)); n != 0 {
			return fmt.Errorf("%d jobs", n)
		}
		return nil
	})
}
