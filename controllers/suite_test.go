package controllers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"go.uber.org/zap/zapcore"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

var (
	cp        *testutil.ControlPlane
	k8sClient client.Client
	scheme    = testutil.Scheme()
	nsCounter atomic.Int32
)

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

// runSuite starts the pinned control plane once for every test of the
// package; each envtest test works in a namespace of its own with managers
// of its own, so tests can run in parallel.
func runSuite(m *testing.M) int {
	logFile, err := os.Create(filepath.Join(os.TempDir(), "forecastrun-controllers-test.log"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer logFile.Close()
	ctrl.SetLogger(zap.New(zap.WriteTo(logFile), zap.UseDevMode(true), func(o *zap.Options) {
		o.TimeEncoder = zapcore.RFC3339NanoTimeEncoder
	}))
	return testutil.RunSecuredSuite(m, func(c *testutil.ControlPlane, kc client.Client) { cp, k8sClient = c, kc })
}

// testManager is one manager process, simulated in a goroutine.
type testManager struct {
	cancel   context.CancelFunc
	done     chan error
	once     sync.Once
	err      error
	requests *atomic.Int64
}

// managerSetup is what the options of a test manager adjust.
type managerSetup struct {
	cfg  *Config
	r    *Reconciler
	hook func(*http.Request)
	// user is who the manager acts as; empty for the administrator.
	user string
}

// managerOption adjusts a test manager.
type managerOption func(*managerSetup)

func withLease(d time.Duration) managerOption {
	return func(s *managerSetup) { s.cfg.LeaseDuration = d }
}

func withJobTTL(d time.Duration) managerOption {
	return func(s *managerSetup) { s.cfg.JobTTL = d }
}

func withStartupTimeout(d time.Duration) managerOption {
	return func(s *managerSetup) { s.cfg.DefaultStartupTimeout = d }
}

func withProgressDeadline(d time.Duration) managerOption {
	return func(s *managerSetup) { s.cfg.DefaultProgressDeadline = d }
}

func withDefaultTTL(d time.Duration) managerOption {
	return func(s *managerSetup) { s.cfg.DefaultTTLAfterFinished = d }
}

func withClock(clk clock.Clock) managerOption {
	return func(s *managerSetup) { s.r.Clock = clk }
}

// asUser runs the manager as user (through impersonation), so that the
// API server holds it to that user's RBAC and admission policies.
func asUser(user string) managerOption {
	return func(s *managerSetup) { s.user = user }
}

// withRequestHook calls hook with every API request of the manager before
// it is sent, so that a test can make something happen at the moment the
// manager acts.
func withRequestHook(hook func(*http.Request)) managerOption {
	return func(s *managerSetup) { s.hook = hook }
}

// startManager starts a manager watching ns and returns a function that
// stops it and waits until it has stopped. The manager counts the API
// requests it sends, through a wrapping RoundTripper.
func startManager(t testing.TB, ns string, opts ...managerOption) *testManager {
	t.Helper()
	tm := &testManager{done: make(chan error, 1), requests: &atomic.Int64{}}
	var hook atomic.Pointer[func(*http.Request)]
	conf := DefaultConfig()
	conf.LeaseDuration = 6 * time.Second
	r := &Reconciler{Scheme: scheme, Clock: clock.RealClock{}}
	setup := managerSetup{cfg: &conf, r: r}
	for _, o := range opts {
		o(&setup)
	}
	cfg := rest.CopyConfig(cp.Config)
	if setup.user != "" {
		cfg = cp.ConfigAs(setup.user)
	}
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { return countingTransport{rt, tm.requests, &hook} }
	cacheOpts := CacheOptions()
	cacheOpts.DefaultNamespaces = map[string]cache.Config{ns: {}}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                 scheme,
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cacheOpts,
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
		Logger:                 ctrl.Log.WithName(ns),
	})
	if err != nil {
		t.Fatalf("creating manager: %v", err)
	}
	r.Client, r.APIReader = mgr.GetClient(), mgr.GetAPIReader()
	r.Recorder = mgr.GetEventRecorder("forecasting.dev-forecastrun")
	r.Config = conf
	if setup.hook != nil {
		hook.Store(&setup.hook)
	}
	if err := r.SetupWithManager(mgr, controller.Options{MaxConcurrentReconciles: 2}); err != nil {
		t.Fatalf("setting up reconciler: %v", err)
	}
	ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), ctrl.Log.WithName(ns)))
	tm.cancel = cancel
	go func() { tm.done <- mgr.Start(ctx) }()
	t.Cleanup(tm.stopNow)
	syncCtx, cancelSync := context.WithTimeout(ctx, 30*time.Second)
	defer cancelSync()
	if !mgr.GetCache().WaitForCacheSync(syncCtx) {
		t.Fatalf("manager cache did not sync")
	}
	return tm
}

// stopNow stops the manager and waits until it has stopped; a second call
// does nothing.
func (tm *testManager) stopNow() {
	tm.once.Do(func() {
		tm.cancel()
		tm.err = <-tm.done
	})
}

// stop stops the manager like a process being killed between passes.
func (tm *testManager) stop(t *testing.T) {
	t.Helper()
	tm.stopNow()
	if tm.err != nil {
		t.Errorf("manager stopped with an error: %v", tm.err)
	}
}

// countingTransport counts the manager's API requests, by verb and
// resource; a watch counts once however long it lasts.
type countingTransport struct {
	next http.RoundTripper
	n    *atomic.Int64
	hook *atomic.Pointer[func(*http.Request)]
}

var (
	requestKindsMu sync.Mutex
	requestKinds   = map[string]int{}
)

func (c countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.n.Add(1)
	requestKindsMu.Lock()
	requestKinds[req.Method+" "+resourceOf(req.URL.Path)]++
	requestKindsMu.Unlock()
	if h := c.hook.Load(); h != nil {
		(*h)(req)
	}
	return c.next.RoundTrip(req)
}

// resourceOf is "jobs" or "forecastruns/status" for a namespaced path.
func resourceOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i, p := range parts {
		if p == "namespaces" && i+2 < len(parts) {
			res := parts[i+2]
			if i+4 < len(parts) {
				res += "/" + parts[i+4]
			}
			return res
		}
	}
	return path
}

// requestKindsSince returns the request counts minus an earlier snapshot.
func requestKindsSince(before map[string]int) map[string]int {
	requestKindsMu.Lock()
	defer requestKindsMu.Unlock()
	out := map[string]int{}
	for k, n := range requestKinds {
		if d := n - before[k]; d > 0 {
			out[k] = d
		}
	}
	return out
}

// newNamespace creates a namespace for one test.
func newNamespace(t testing.TB) string {
	t.Helper()
	base := strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name()))
	if len(base) > 40 {
		base = base[:40]
	}
	ns := fmt.Sprintf("%s-%d", strings.Trim(base, "-"), nsCounter.Add(1))
	if err := k8sClient.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatalf("creating namespace %s: %v", ns, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go playGarbageCollector(ctx, ns)
	return ns
}

// playGarbageCollector does for the runner Jobs of one namespace what
// kube-controller-manager's garbage collector does, which envtest does not
// run: the Jobs of a run that is gone are deleted, the Pods of a Job that
// is gone or being deleted are deleted, and a Job deleted in the
// foreground goes once no Pod of it is left. A Pod bound to a node stays,
// terminating, until the test plays its kubelet and deletes it for good
// (deletePodNow).
func playGarbageCollector(ctx context.Context, ns string) {
	for ctx.Err() == nil {
		collectGarbage(ctx, ns)
		time.Sleep(100 * time.Millisecond)
	}
}

func collectGarbage(ctx context.Context, ns string) {
	// Dependents are listed before their owners: an owner created after
	// its dependent's list was read is then never missed, and a dependent
	// never looks orphaned for want of an owner created a moment ago.
	var runs v1alpha1.ForecastRunList
	var jobs batchv1.JobList
	var pods corev1.PodList
	if k8sClient.List(ctx, &pods, client.InNamespace(ns)) != nil || k8sClient.List(ctx, &jobs, client.InNamespace(ns)) != nil ||
		k8sClient.List(ctx, &runs, client.InNamespace(ns)) != nil {
		return
	}
	runUIDs := map[types.UID]bool{}
	for _, r := range runs.Items {
		runUIDs[r.UID] = true
	}
	live := map[types.UID]*batchv1.Job{}
	for i := range jobs.Items {
		job := &jobs.Items[i]
		live[job.UID] = job
		if owner := metav1.GetControllerOf(job); owner != nil && owner.Kind == "ForecastRun" && !runUIDs[owner.UID] && job.DeletionTimestamp.IsZero() {
			_ = k8sClient.Delete(ctx, job, client.PropagationPolicy(metav1.DeletePropagationBackground))
		}
	}
	podsOf := map[types.UID]int{}
	for i := range pods.Items {
		pod := &pods.Items[i]
		owner := metav1.GetControllerOf(pod)
		if owner == nil || owner.Kind != "Job" {
			continue
		}
		podsOf[owner.UID]++
		if job := live[owner.UID]; (job == nil || !job.DeletionTimestamp.IsZero()) && pod.DeletionTimestamp.IsZero() {
			_ = k8sClient.Delete(ctx, pod)
		}
	}
	for _, job := range live {
		if !job.DeletionTimestamp.IsZero() && podsOf[job.UID] == 0 && controllerutil.ContainsFinalizer(job, metav1.FinalizerDeleteDependents) {
			patch := client.MergeFrom(job.DeepCopy())
			controllerutil.RemoveFinalizer(job, metav1.FinalizerDeleteDependents)
			_ = k8sClient.Patch(ctx, job, patch)
		}
	}
}

// startRunnerPod creates a Pod of the Job as the Job controller would and
// reports it running on node, as its kubelet would.
func startRunnerPod(t *testing.T, job *batchv1.Job, node string) *corev1.Pod {
	t.Helper()
	return createRunnerPod(t, job, node, corev1.PodStatus{Phase: corev1.PodRunning})
}

// createRunnerPod creates a Pod of the Job as the Job controller would,
// bound to node unless it is empty, and gives it status as the scheduler
// and the kubelet would.
func createRunnerPod(t *testing.T, job *batchv1.Job, node string, status corev1.PodStatus) *corev1.Pod {
	t.Helper()
	name := job.Name + "-" + node
	if node == "" {
		name = job.Name + "-unscheduled"
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: name, Namespace: job.Namespace, Labels: job.Spec.Template.Labels,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(job, batchv1.SchemeGroupVersion.WithKind("Job"))},
		},
		Spec: *job.Spec.Template.Spec.DeepCopy(),
	}
	pod.Spec.NodeName = node
	create(t, pod)
	pod.Status = status
	if err := k8sClient.Status().Update(context.Background(), pod); err != nil {
		t.Fatalf("setting the status of pod %s: %v", pod.Name, err)
	}
	return pod
}

// deletePodNow removes a Pod for good, as its kubelet does once the
// containers have stopped.
func deletePodNow(t *testing.T, pod *corev1.Pod) {
	t.Helper()
	if err := k8sClient.Delete(context.Background(), pod, client.GracePeriodSeconds(0)); err != nil && !apierrors.IsNotFound(err) {
		t.Fatalf("deleting pod %s: %v", pod.Name, err)
	}
}

// eventually polls check until it returns nil or the timeout passes.
func eventually(t testing.TB, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting until %s: %v", timeout, what, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// consistently polls check for the whole duration and fails on the first
// error: it asserts that something does not happen.
func consistently(t *testing.T, d time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if err := check(); err != nil {
			t.Fatalf("expected %s for %s: %v", what, d, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func create(t testing.TB, obj client.Object) {
	t.Helper()
	if err := k8sClient.Create(context.Background(), obj); err != nil {
		t.Fatalf("creating %s: %v", obj.GetName(), err)
	}
}

func getRun(t testing.TB, ns, name string) *v1alpha1.ForecastRun {
	t.Helper()
	var run v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), keyOf(ns, name), &run); err != nil {
		t.Fatalf("reading run %s: %v", name, err)
	}
	return &run
}

// phaseIs checks a run's phase.
func phaseIs(ns, name string, want v1alpha1.Phase) func() error {
	return func() error {
		var run v1alpha1.ForecastRun
		if err := k8sClient.Get(context.Background(), keyOf(ns, name), &run); err != nil {
			return err
		}
		if run.Status.Phase != want {
			return fmt.Errorf("run %s is %q (%s), want %s", name, run.Status.Phase, run.Status.Message, want)
		}
		return nil
	}
}

// waitPhase waits until the run reaches the phase.
func waitPhase(t testing.TB, ns, name string, want v1alpha1.Phase) *v1alpha1.ForecastRun {
	t.Helper()
	eventually(t, 20*time.Second, fmt.Sprintf("%s is %s", name, want), phaseIs(ns, name, want))
	return getRun(t, ns, name)
}

// waitJob waits until the named Job exists.
func waitJob(t testing.TB, ns, name string) *batchv1.Job {
	t.Helper()
	var job batchv1.Job
	eventually(t, 20*time.Second, "job "+name+" exists", func() error {
		return k8sClient.Get(context.Background(), keyOf(ns, name), &job)
	})
	return &job
}

func listJobs(t *testing.T, ns string) []batchv1.Job {
	t.Helper()
	var jobs batchv1.JobList
	if err := k8sClient.List(context.Background(), &jobs, client.InNamespace(ns)); err != nil {
		t.Fatalf("listing jobs: %v", err)
	}
	return jobs.Items
}

// finishJob sets the Job's status as the Job controller would when it ends:
// envtest runs no Job controller, so Jobs never finish by themselves.
func finishJob(t *testing.T, ns, name string, succeeded bool) {
	t.Helper()
	if err := finishJobErr(ns, name, succeeded); err != nil {
		t.Fatal(err)
	}
}

func finishJobErr(ns, name string, succeeded bool) error {
	var job batchv1.Job
	if err := k8sClient.Get(context.Background(), keyOf(ns, name), &job); err != nil {
		return fmt.Errorf("reading job %s: %w", name, err)
	}
	now := metav1.Now()
	start := metav1.NewTime(now.Add(-time.Second))
	job.Status.StartTime = &start
	if succeeded {
		n := ptr.Deref(job.Spec.Completions, 1)
		job.Status.Succeeded = n
		if job.Spec.CompletionMode != nil && *job.Spec.CompletionMode == batchv1.IndexedCompletion {
			job.Status.CompletedIndexes = fmt.Sprintf("0-%d", n-1)
		}
		job.Status.CompletionTime = &now
		job.Status.Conditions = []batchv1.JobCondition{
			jobCondition(batchv1.JobSuccessCriteriaMet, "CompletionsReached", "Reached expected number of succeeded pods", now),
			jobCondition(batchv1.JobComplete, "CompletionsReached", "Reached expected number of succeeded pods", now),
		}
	} else {
		job.Status.Failed = ptr.Deref(job.Spec.BackoffLimit, 0) + 1
		job.Status.Conditions = []batchv1.JobCondition{
			jobCondition(batchv1.JobFailureTarget, batchv1.JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit", now),
			jobCondition(batchv1.JobFailed, batchv1.JobReasonBackoffLimitExceeded, "Job has reached the specified backoff limit", now),
		}
	}
	if err := k8sClient.Status().Update(context.Background(), &job); err != nil {
		return fmt.Errorf("finishing job %s: %w", name, err)
	}
	return nil
}

func jobCondition(typ batchv1.JobConditionType, reason, msg string, now metav1.Time) batchv1.JobCondition {
	return batchv1.JobCondition{Type: typ, Status: corev1.ConditionTrue, Reason: reason, Message: msg, LastTransitionTime: now, LastProbeTime: now}
}

// reportShard writes one shard's progress the way the runner does: a
// server-side apply of its own entry of status.shards under a field manager
// of its own.
func reportShard(t testing.TB, ns, run string, index, done, total int32, token string) {
	t.Helper()
	if err := reportShardErr(ns, run, index, done, total, token); err != nil {
		t.Fatal(err)
	}
}

func reportShardErr(ns, run string, index, done, total int32, token string) error {
	return reportShardAs(k8sClient, ns, run, index, done, total, token)
}

// reportShardAs reports a shard's progress through c, as whoever c acts as.
func reportShardAs(c client.Client, ns, run string, index, done, total int32, token string) error {
	err := applyStatusAs(c, ns, run, fmt.Sprintf("runner-shard-%d", index), map[string]any{"shards": []any{map[string]any{
		"index": index, "itemsDone": done, "itemsTotal": total, "fencingToken": token,
		"message":   fmt.Sprintf("forecast %d of %d items", done, total),
		"updatedAt": time.Now().UTC().Format(time.RFC3339),
	}}})
	if err != nil {
		return fmt.Errorf("reporting shard %d of %s: %w", index, run, err)
	}
	return nil
}

// applyStatusAs server-side-applies status (a partial status object) to
// the run under the field manager, through c.
func applyStatusAs(c client.Client, ns, run, manager string, status map[string]any) error {
	data, err := json.Marshal(map[string]any{
		"apiVersion": v1alpha1.GroupVersion.String(), "kind": "ForecastRun",
		"metadata": map[string]any{"name": run, "namespace": ns},
		"status":   status,
	})
	if err != nil {
		return err
	}
	obj := &v1alpha1.ForecastRun{ObjectMeta: metav1.ObjectMeta{Name: run, Namespace: ns}}
	return c.Status().Patch(context.Background(), obj, client.RawPatch(types.ApplyPatchType, data),
		client.FieldOwner(manager), client.ForceOwnership)
}

// lease reads a lock Lease; nil when absent.
func lease(t *testing.T, ns, name string) *coordinationv1.Lease {
	t.Helper()
	var l coordinationv1.Lease
	err := k8sClient.Get(context.Background(), keyOf(ns, name), &l)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading lease %s: %v", name, err)
	}
	return &l
}

// leaseOrNil reads a Lease without a test handle, for polling checks.
func leaseOrNil(ns, name string) *coordinationv1.Lease {
	var l coordinationv1.Lease
	if err := k8sClient.Get(context.Background(), keyOf(ns, name), &l); err != nil {
		return nil
	}
	return &l
}

// eventCounts counts the occurrences of each Event reason about a run,
// including repeats folded into an Event series.
func eventCounts(ns, name string) (map[string]int32, error) {
	var list eventsv1.EventList
	if err := k8sClient.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	counts := map[string]int32{}
	for _, e := range list.Items {
		if e.Regarding.Name != name {
			continue
		}
		n := int32(1)
		if e.Series != nil {
			n = e.Series.Count
		}
		counts[e.Reason] += n
	}
	return counts, nil
}

func findCondition(run *v1alpha1.ForecastRun, typ string) *metav1.Condition {
	return meta.FindStatusCondition(run.Status.Conditions, typ)
}

func inNS(ns string) client.ListOption { return client.InNamespace(ns) }
