package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
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
// run and creates its Job.
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

	waitFor(t, "readyz", func() error { return httpOK("http://127.0.0.1:18381/readyz") })
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
	waitFor(t, "metrics", func() error {
		body, err := httpGet("http://127.0.0.1:18380/metrics")
		if err == nil && !strings.Contains(body, `forecastrun_runs{namespace="default",phase="Running"} 1`) {
			err = fmt.Errorf("no running run in the metrics")
		}
		return err
	})
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
