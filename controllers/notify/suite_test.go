package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

var (
	cp        *testutil.ControlPlane
	k8sClient client.Client
	nsCounter atomic.Int32
)

func TestMain(m *testing.M) {
	os.Exit(testutil.RunSuite(m, func(c *testutil.ControlPlane, kc client.Client) { cp, k8sClient = c, kc }))
}

func newNamespace(t *testing.T) string {
	t.Helper()
	ns := fmt.Sprintf("notify-%d", nsCounter.Add(1))
	if err := k8sClient.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		t.Fatal(err)
	}
	return ns
}

// notifier is a manager running only the notifier, on ns.
type notifier struct {
	cancel context.CancelFunc
	done   chan error
}

// startNotifier starts a manager with the notifier in ns; httpClient
// replaces the policy-checked client (which refuses loopback receivers).
func startNotifier(t *testing.T, ns string, httpClient *http.Client) *notifier {
	t.Helper()
	mgr, err := ctrl.NewManager(cp.Config, ctrl.Options{
		Scheme:                 testutil.Scheme(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Cache:                  cache.Options{DefaultNamespaces: map[string]cache.Config{ns: {}}},
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := &Reconciler{
		Client: mgr.GetClient(), Secrets: mgr.GetAPIReader(), Recorder: mgr.GetEventRecorder("forecasting.dev-notifier"),
		Clock: clock.RealClock{}, HTTPClient: httpClient, FirstBackoff: 50 * time.Millisecond, AttemptTimeout: time.Second,
	}
	if err := r.SetupWithManager(mgr, controller.Options{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &notifier{cancel: cancel, done: make(chan error, 1)}
	go func() { n.done <- mgr.Start(ctx) }()
	t.Cleanup(n.stop)
	return n
}

// stop stops the manager and waits for it to end; safe to call twice.
func (n *notifier) stop() {
	n.cancel()
	if n.done != nil {
		<-n.done
		n.done = nil
	}
}

// receiver is a real HTTP server on loopback that records every request.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	// answer picks the status for the n-th request (0-based); nil: 200.
	answer func(n int, r request) int
}

type request struct {
	contentType string
	body        []byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := request{contentType: r.Header.Get("Content-Type"), body: body}
		rc.mu.Lock()
		n := len(rc.requests)
		rc.requests = append(rc.requests, req)
		answer := rc.answer
		rc.mu.Unlock()
		code := http.StatusOK
		if answer != nil {
			code = answer(n, req)
		}
		w.WriteHeader(code)
		fmt.Fprintf(w, "answer %d", code)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) got() []request {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]request(nil), rc.requests...)
}

// ids decodes the event ID of every request: "id" at the top of a JSON or
// CloudEvents body; Slack bodies carry none, so "" for them.
func (rc *receiver) ids(t *testing.T) []string {
	t.Helper()
	var ids []string
	for _, r := range rc.got() {
		var m struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(r.body, &m); err != nil {
			t.Errorf("a request body is not JSON: %q", r.body)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

// hooksSecret stores each receiver's URL under its key.
func hooksSecret(t *testing.T, ns string, urls map[string]string) {
	t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "hooks", Namespace: ns}, StringData: urls}
	if err := k8sClient.Create(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

func target(name, key string, format v1alpha1.NotifyFormat, phases ...v1alpha1.NotifyPhase) v1alpha1.NotifyTarget {
	return v1alpha1.NotifyTarget{Name: name, URLSecretRef: v1alpha1.SecretKeyRef{Name: "hooks", Key: key}, Format: format, Phases: phases}
}

// createRun creates a run with targets.
func createRun(t *testing.T, ns, name string, targets ...v1alpha1.NotifyTarget) *v1alpha1.ForecastRun {
	t.Helper()
	run := testutil.MakeForecastRun(name, ns).Obj()
	run.Spec.Notify = targets
	if err := k8sClient.Create(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	return run
}

// setStatus plays the controller: it changes the run's status as the
// ForecastRun reconciler would, with a merge patch that leaves
// status.notifications alone.
func setStatus(t *testing.T, ns, name string, change func(*v1alpha1.ForecastRunStatus)) {
	t.Helper()
	ctx := context.Background()
	var run v1alpha1.ForecastRun
	if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &run); err != nil {
		t.Fatal(err)
	}
	orig := run.DeepCopy()
	change(&run.Status)
	if err := k8sClient.Status().Patch(ctx, &run, client.MergeFrom(orig)); err != nil {
		t.Fatal(err)
	}
}

// waitNotifications waits until every entry of the run's
// status.notifications satisfies done and there are want of them.
func waitNotifications(t *testing.T, ns, name string, want int, done func(v1alpha1.NotificationStatus) bool) []v1alpha1.NotificationStatus {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var run v1alpha1.ForecastRun
		if err := k8sClient.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, &run); err != nil {
			t.Fatal(err)
		}
		ok := len(run.Status.Notifications) == want
		for _, e := range run.Status.Notifications {
			ok = ok && done(e)
		}
		if ok {
			return run.Status.Notifications
		}
		if time.Now().After(deadline) {
			t.Fatalf("status.notifications of %s after 30s: %+v; want %d entries, all done", name, run.Status.Notifications, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sent(e v1alpha1.NotificationStatus) bool { return e.State == v1alpha1.NotificationSent }

func settled(e v1alpha1.NotificationStatus) bool { return e.State != v1alpha1.NotificationPending }
