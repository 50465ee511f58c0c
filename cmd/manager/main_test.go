package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/controllers/schedule"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{"--runner-image=example/runner:1", "--lease-duration=30s", "--job-ttl=2h", "--leader-elect", "--metrics-bind-address=0"})
	if err != nil {
		t.Fatalf("parsing flags: %v", err)
	}
	if o.cfg.RunnerImage != "example/runner:1" || o.cfg.LeaseDuration != 30*time.Second || o.cfg.JobTTL != 2*time.Hour || !o.leaderElect || o.metricsAddr != "0" {
		t.Errorf("options = %+v", o)
	}
	d, err := parseFlags(nil)
	if err != nil || d.cfg.LeaseDuration != time.Minute || d.leaderElect {
		t.Errorf("defaults = %+v, %v; want a 60s lease and no leader election", d, err)
	}
	if _, err := parseFlags([]string{"--lease-duration=1s"}); err == nil {
		t.Errorf("a lease shorter than 3s must be refused: it is renewed every third of it")
	}
	for _, bad := range []string{"--job-ttl=-1m", "--default-startup-timeout=-1s", "--default-progress-deadline=-1s", "--default-ttl-after-finished=-1h"} {
		if _, err := parseFlags([]string{bad}); err == nil {
			t.Errorf("%s must be refused", bad)
		}
	}
	if d.cfg.DefaultStartupTimeout != 10*time.Minute || d.cfg.DefaultProgressDeadline != 30*time.Minute {
		t.Errorf("default startup timeout %s, progress deadline %s; want 10m and 30m", d.cfg.DefaultStartupTimeout, d.cfg.DefaultProgressDeadline)
	}
	s, err := parseFlags([]string{"--default-startup-timeout=2m", "--default-progress-deadline=0", "--default-ttl-after-finished=168h"})
	if err != nil || s.cfg.DefaultStartupTimeout != 2*time.Minute || s.cfg.DefaultProgressDeadline != 0 || s.cfg.DefaultTTLAfterFinished != 168*time.Hour {
		t.Errorf("startup and progress flags = %+v, %v", s.cfg, err)
	}
	if d.metricsAddr != ":8443" || !d.metricsSecure || d.enableHTTP2 || d.cfg.DatasetAllowedHosts != "" {
		t.Errorf("defaults: metrics on %s secure=%v http2=%v, allowed hosts %q; want :8443, HTTPS, no HTTP/2, none",
			d.metricsAddr, d.metricsSecure, d.enableHTTP2, d.cfg.DatasetAllowedHosts)
	}
	a, err := parseFlags([]string{"--dataset-allowed-hosts=*.svc.cluster.local, 10.202.0.0/24"})
	if err != nil || a.cfg.DatasetAllowedHosts != "*.svc.cluster.local,10.202.0.0/24" {
		t.Errorf("--dataset-allowed-hosts = %q, %v", a.cfg.DatasetAllowedHosts, err)
	}
	if _, err := parseFlags([]string{"--dataset-allowed-hosts=http://data.corp/"}); err == nil || !strings.Contains(err.Error(), "http://data.corp/") {
		t.Errorf("a URL in --dataset-allowed-hosts: %v, want an error naming it", err)
	}
	if _, ok := d.clock.(schedule.RealClock); !ok {
		t.Errorf("default schedule clock = %T, want the wall clock", d.clock)
	}
	fast, err := parseFlags([]string{"--schedule-clock-speed=60", "--schedule-clock-start=2026-11-27T12:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := fast.clock.(schedule.FastClock); !ok || c.Speed != 60 || c.RealWait(time.Minute) != time.Second {
		t.Errorf("fast clock = %+v, want speed 60 from the given start", fast.clock)
	}
	for _, bad := range [][]string{{"--schedule-clock-speed=0.5"}, {"--schedule-clock-start=yesterday"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%v) accepted a bad clock", bad)
		}
	}
}

// TestManagerRunsARun starts the manager as main does, against the pinned
// control plane, and checks its probes, its metrics and that it admits a
// run and creates its Job. Metrics are served over HTTPS to clients whose
// token the API server authenticates and who may get /metrics, and to
// nobody else (before, anyone who reached the Pod read them over plain
// HTTP).
func TestManagerRunsARun(t *testing.T) {
	cp, err := testutil.StartControlPlane(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Stop()
	o, err := parseFlags([]string{"--metrics-bind-address=127.0.0.1:18380", "--health-probe-bind-address=127.0.0.1:18381", "--runner-image=example/runner:1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, cp.Config, o) }()
	defer func() { cancel(); <-done }()

	waitFor(t, "readyz", func() error {
		select {
		case err := <-done: // the manager stopped: say why, rather than time out
			done <- err
			return fmt.Errorf("the manager stopped: %v", err)
		default:
			return httpOK("http://127.0.0.1:18381/readyz")
		}
	})
	c, err := client.New(cp.Config, client.Options{Scheme: testutil.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, testutil.MakeForecastRun("smoke", "default").Obj()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the run's Job", func() error {
		var job batchv1.Job
		if err := c.Get(ctx, client.ObjectKey{Namespace: "default", Name: "smoke-runner"}, &job); err != nil {
			return err
		}
		if img := job.Spec.Template.Spec.Containers[0].Image; img != "example/runner:1" {
			return fmt.Errorf("image %s", img)
		}
		return nil
	})

	const metrics = "https://127.0.0.1:18380/metrics"
	if err := cp.InstallClusterConfig(ctx, c); err != nil { // the forecastrun-metrics-reader ClusterRole
		t.Fatal(err)
	}
	reader, stranger := serviceAccountToken(t, cp, "prometheus"), serviceAccountToken(t, cp, "stranger")
	bind := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "prometheus-forecastrun-metrics"},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "forecastrun-metrics-reader"},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "prometheus", Namespace: "default"}},
	}
	if err := c.Create(ctx, bind); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "metrics for a reader", func() error {
		body, code, err := scrape(metrics, reader)
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("HTTP %d", code)
		}
		if err == nil && !strings.Contains(body, `forecastrun_runs{namespace="default",phase="Running"} 1`) {
			err = fmt.Errorf("no running run in the metrics")
		}
		return err
	})
	// controller-runtime's filter answers a token the API server cannot
	// review with 500 rather than 401; either way nothing is served.
	for _, tc := range []struct {
		who, token string
		want       []int
	}{
		{"no token", "", []int{http.StatusUnauthorized}},
		{"a forged token", "forged", []int{http.StatusUnauthorized, http.StatusInternalServerError}},
		{"a ServiceAccount without the reader role", stranger, []int{http.StatusForbidden}},
	} {
		if body, code, err := scrape(metrics, tc.token); err != nil || !slices.Contains(tc.want, code) || strings.Contains(body, "forecastrun_runs") {
			t.Errorf("metrics for %s: HTTP %d, %v, want %v and no metrics", tc.who, code, err, tc.want)
		}
	}
	if _, err := httpGet("http://127.0.0.1:18380/metrics"); err == nil {
		t.Errorf("metrics are served over plain HTTP")
	}
}

// serviceAccountToken creates a ServiceAccount in default and returns a
// token of it, as a Pod running under it would present.
func serviceAccountToken(t *testing.T, cp *testutil.ControlPlane, name string) string {
	t.Helper()
	ctx := context.Background()
	cs, err := kubernetes.NewForConfig(cp.Config)
	if err != nil {
		t.Fatal(err)
	}
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default"}}
	if _, err := cs.CoreV1().ServiceAccounts("default").Create(ctx, sa, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	tr, err := cs.CoreV1().ServiceAccounts("default").CreateToken(ctx, name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating a token for %s: %v", name, err)
	}
	return tr.Status.Token
}

// scrape GETs the metrics over HTTPS with a bearer token (none when
// empty), trusting the manager's self-signed certificate.
func scrape(url, token string) (string, int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return "", 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the manager's self-signed certificate
	resp, err := c.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), resp.StatusCode, err
}

func waitFor(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for err := check(); err != nil; err = check() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func httpGet(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", url, resp.Status)
	}
	return string(body), err
}

func httpOK(url string) error {
	_, err := httpGet(url)
	return err
}
