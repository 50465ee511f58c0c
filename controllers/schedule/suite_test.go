package schedule

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

var (
	cp        *testutil.ControlPlane
	k8sClient client.Client
	recorder  events.EventRecorder
	nsCounter atomic.Int32
)

func TestMain(m *testing.M) {
	os.Exit(testutil.RunSuite(m, func(c *testutil.ControlPlane, kc client.Client) {
		cp, k8sClient = c, kc
		// Real Events through the events.k8s.io API, so tests can read
		// what a person would see in kubectl describe.
		broadcaster := events.NewBroadcaster(&events.EventSinkImpl{Interface: kubernetes.NewForConfigOrDie(c.Config).EventsV1()})
		broadcaster.StartRecordingToSink(make(chan struct{}))
		recorder = broadcaster.NewRecorder(testutil.Scheme(), "forecastschedule-test")
	}))
}

// manualClock is a clock the test moves by hand.
type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) RealWait(d time.Duration) time.Duration { return d }

func (c *manualClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// fixture is one schedule in a namespace of its own, a reconciler with a
// manual clock, and the schedule's first scheduled hour.
type fixture struct {
	t     *testing.T
	ns    string
	name  string
	clock *manualClock
	r     *Reconciler
	hour0 time.Time // the first top of the hour after the schedule's creation
}

// newNamespace creates a namespace of the test's own, so tests can run in
// parallel and repeatedly (-count) without meeting each other's objects.
func newNamespace(t *testing.T) string {
	t.Helper()
	ns := fmt.Sprintf("sched-%d", nsCounter.Add(1))
	if err := k8sClient.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	return ns
}

func newFixture(t *testing.T, b *testutil.ScheduleBuilder) *fixture {
	t.Helper()
	ns := newNamespace(t)
	s := b.Obj()
	s.Namespace = ns
	if err := k8sClient.Create(context.Background(), s); err != nil {
		t.Fatalf("creating schedule: %v", err)
	}
	created := s.CreationTimestamp.Time
	f := &fixture{t: t, ns: ns, name: s.Name, clock: &manualClock{now: created}}
	f.hour0 = created.Truncate(time.Hour).Add(time.Hour)
	f.r = newReconciler(f.clock)
	return f
}

func newReconciler(c Clock) *Reconciler {
	return &Reconciler{Client: k8sClient, APIReader: k8sClient, Scheme: testutil.Scheme(), Recorder: recorder, Clock: c}
}

// at sets the clock to hour h after hour0 plus extra, and reconciles.
func (f *fixture) at(h int, extra time.Duration) ctrl.Result {
	f.t.Helper()
	f.clock.set(f.hour0.Add(time.Duration(h)*time.Hour + extra))
	return f.reconcile()
}

func (f *fixture) reconcile() ctrl.Result {
	f.t.Helper()
	res, err := f.r.Reconcile(context.Background(), ctrl.Request{NamespacedName: types.NamespacedName{Namespace: f.ns, Name: f.name}})
	if err != nil {
		f.t.Fatalf("reconcile at %s: %v", f.clock.Now(), err)
	}
	return res
}

func (f *fixture) schedule() *v1alpha1.ForecastSchedule {
	f.t.Helper()
	var s v1alpha1.ForecastSchedule
	if err := k8sClient.Get(context.Background(), types.NamespacedName{Namespace: f.ns, Name: f.name}, &s); err != nil {
		f.t.Fatal(err)
	}
	return &s
}

// runNames lists the schedule's runs by name, sorted.
func (f *fixture) runNames() []string {
	f.t.Helper()
	var list v1alpha1.ForecastRunList
	if err := k8sClient.List(context.Background(), &list, client.InNamespace(f.ns)); err != nil {
		f.t.Fatal(err)
	}
	var names []string
	for _, r := range list.Items {
		if r.DeletionTimestamp.IsZero() {
			names = append(names, r.Name)
		}
	}
	slices.Sort(names)
	return names
}

// runAt is the name of the run for hour h.
func (f *fixture) runAt(h int) string {
	return runName(f.name, f.hour0.Add(time.Duration(h)*time.Hour))
}

// finish sets a run's phase as the ForecastRun controller would.
func (f *fixture) finish(name string, phase v1alpha1.Phase) {
	f.t.Helper()
	var run v1alpha1.ForecastRun
	if err := k8sClient.Get(context.Background(), types.NamespacedName{Namespace: f.ns, Name: name}, &run); err != nil {
		f.t.Fatal(err)
	}
	run.Status.Phase = phase
	run.Status.CompletionTime = &metav1.Time{Time: f.clock.Now().Truncate(time.Second)}
	if err := k8sClient.Status().Update(context.Background(), &run); err != nil {
		f.t.Fatalf("finishing %s: %v", name, err)
	}
}

// events returns the reasons of the Events recorded about the schedule,
// waiting briefly since the recorder sends them asynchronously.
func (f *fixture) waitEvent(reason string) string {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		cs := kubernetes.NewForConfigOrDie(cp.Config)
		list, err := cs.EventsV1().Events(f.ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, e := range list.Items {
			if e.Reason == reason && e.Regarding.Name == f.name {
				return e.Note
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	f.t.Fatalf("no %s event about schedule %s", reason, f.name)
	return ""
}
