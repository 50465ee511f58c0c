package forecastcli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

func TestProgressBar(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	running := func(percent, done, total int32, eta time.Duration) *v1alpha1.ForecastRun {
		run := &v1alpha1.ForecastRun{Status: v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning,
			Progress: &v1alpha1.Progress{Percent: percent, ItemsDone: done, ItemsTotal: total}}}
		if eta != 0 {
			run.Status.EstimatedCompletionTime = &metav1.Time{Time: now.Add(eta)}
		}
		return run
	}
	for _, tc := range []struct {
		name  string
		run   *v1alpha1.ForecastRun
		width int
		want  string
	}{
		{"half way", running(50, 1854, 3707, 41*time.Second), 80,
			"Running [" + strings.Repeat("█", 19) + strings.Repeat("░", 19) + "]  50%  1854/3707 items  ETA 41s"},
		{"narrow terminal shortens the bar", running(25, 25, 100, 0), 40,
			"Running [" + strings.Repeat("█", 2) + strings.Repeat("░", 8) + "]  25%  25/100 items"},
		{"too narrow for a bar keeps the figures", running(25, 25, 100, 3*time.Minute+10*time.Second), 30,
			"Running 25%  25/100 items  ETA 3m10s"},
		{"finished", running(100, 100, 100, -time.Second), 100,
			"Running [" + strings.Repeat("█", 40) + "] 100%  100/100 items  ETA any moment"},
		{"long", running(1, 1, 100, 2*time.Hour+4*time.Minute+40*time.Second), 80,
			"Running [" + strings.Repeat("░", 40) + "]   1%  1/100 items  ETA 2h05m"},
		{"queued has no bar", &v1alpha1.ForecastRun{Status: v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued}}, 80, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := progressBar(tc.run, tc.width, now)
			if got != tc.want {
				t.Errorf("progressBar(width %d) =\n%q\nwant\n%q", tc.width, got, tc.want)
			}
			if n := len([]rune(got)); strings.Contains(got, "[") && n >= tc.width {
				t.Errorf("the bar takes %d columns of %d", n, tc.width)
			}
		})
	}
}

// progressSteps plays the controller for watch once out shows the run
// Queued: Running through the given percents of 40 items, then Succeeded
// with a result.
func progressSteps(t *testing.T, out *lockedBuffer, ns, name string, percents ...int32) {
	ctx := context.Background()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "Queued"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("watch did not show the run Queued within 10s")
			return
		}
	}
	var run v1alpha1.ForecastRun
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &run); err != nil {
		t.Errorf("reading %s: %v", name, err)
		return
	}
	update := func(status v1alpha1.ForecastRunStatus) bool {
		run.Status = status
		if err := k8s.Status().Update(ctx, &run); err != nil {
			t.Errorf("updating %s: %v", name, err)
			return false
		}
		// Slower than the plugin's poll, so that it sees every step.
		time.Sleep(150 * time.Millisecond)
		return true
	}
	for _, p := range percents {
		eta := metav1.NewTime(time.Now().Add(time.Duration(100-p) * time.Second))
		if !update(v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseRunning, Message: "forecasting", EstimatedCompletionTime: &eta,
			Progress: &v1alpha1.Progress{Percent: p, ItemsDone: 40 * p / 100, ItemsTotal: 40}}) {
			return
		}
	}
	update(v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseSucceeded, Message: "succeeded: 40 items forecast",
		Result: &v1alpha1.Result{ItemsForecast: 40, Winners: map[string]int32{"Ensemble": 30, "Naive": 10}, Score: "0.7100"}})
}

// lockedBuffer is a bytes.Buffer that a test can read while the command
// writes to it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// watchInto runs `watch NAME` with its output in out, on a terminal of
// width columns when width > 0.
func watchInto(t *testing.T, out *lockedBuffer, width int, ns, name string) error {
	t.Helper()
	_, _, err := executeWith(t, func(g *globals) {
		g.streams.Out = out
		if width > 0 {
			g.terminal = func(io.Writer) (int, bool) { return width, true }
		}
	}, "watch", name, "-n", ns)
	return err
}

func TestWatchDrawsABarOnATerminal(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("nightly", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued, Message: "waiting for lock forecast-pipeline"})
	var buf lockedBuffer
	go progressSteps(t, &buf, ns, "nightly", 10, 50, 90)
	err := watchInto(t, &buf, 80, ns, "nightly")
	out := buf.String()
	if err != nil {
		t.Fatalf("watch of a run that Succeeded: %v\n%s", err, out)
	}
	for _, want := range []string{
		"Queued — waiting for lock forecast-pipeline\n",
		"\r\x1b[2KRunning [████",
		"  50%  20/40 items  ETA ",
		"  90%  36/40 items  ETA ",
		"\r\x1b[2KSucceeded — succeeded: 40 items forecast\n",
		"Items forecast:   40", "Ensemble   30",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("watch on a terminal printed:\n%q\nwant %q in it", out, want)
		}
	}
	// The running message repeats what the bar shows: one line, not one per step.
	if n := strings.Count(out, "forecasting"); n != 0 {
		t.Errorf("the running message was printed %d times beside the bar:\n%q", n, out)
	}
}

func TestWatchPrintsLinesElsewhere(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("nightly", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseQueued, Message: "waiting for lock forecast-pipeline"})
	var buf lockedBuffer
	go progressSteps(t, &buf, ns, "nightly", 10, 50)
	if err := watchInto(t, &buf, 0, ns, "nightly"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\r") || strings.Contains(out, "█") {
		t.Errorf("watch into a pipe drew a bar:\n%q", out)
	}
	lines := strings.Split(out, "\n")
	want := []string{"Queued — waiting for lock forecast-pipeline", "Running — forecasting", "Succeeded — succeeded: 40 items forecast", ""}
	if len(lines) < len(want) || strings.Join(lines[:len(want)], "\n") != strings.Join(want, "\n") {
		t.Errorf("watch into a pipe printed:\n%s\nwant it to start with:\n%s", out, strings.Join(want, "\n"))
	}
	if !strings.Contains(out, "Items forecast:   40") {
		t.Errorf("watch did not end with the summary:\n%s", out)
	}
}

func TestWatchFailsUnlessSucceeded(t *testing.T) {
	ns := newNamespace(t)
	createRun(t, testutil.MakeForecastRun("broken", ns).Obj(), v1alpha1.ForecastRunStatus{Phase: v1alpha1.PhaseFailed, Message: "loading the dataset: no such key"})
	out, _, err := execute(t, "watch", "broken", "-n", ns)
	if err == nil || !strings.Contains(err.Error(), "ended Failed: loading the dataset: no such key") {
		t.Errorf("watch of a Failed run: %v, want an error with its message", err)
	}
	if out != "Failed — loading the dataset: no such key\n" {
		t.Errorf("watch of a Failed run printed %q", out)
	}
	if _, _, err := execute(t, "watch", "missing", "-n", ns); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("watch of a run that does not exist: %v", err)
	}
}
