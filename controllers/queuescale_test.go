package controllers

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// writeCounter counts a manager's API writes and remembers when it last
// sent any request, so that a test can wait for it to fall quiet.
type writeCounter struct {
	writes atomic.Int64
	last   atomic.Int64 // unix nanoseconds of the latest request
	mu     sync.Mutex
	paths  []string // the writes, "PATCH forecastruns/status", for messages
}

func (c *writeCounter) hook(req *http.Request) {
	c.last.Store(time.Now().UnixNano())
	switch req.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		c.writes.Add(1)
		c.mu.Lock()
		c.paths = append(c.paths, req.Method+" "+resourceOf(req.URL.Path))
		c.mu.Unlock()
	}
}

// quiet waits until the manager has sent no request for d.
func (c *writeCounter) quiet(t testing.TB, d, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Since(time.Unix(0, c.last.Load())) < d {
		if time.Now().After(deadline) {
			t.Fatalf("the manager did not fall quiet for %s within %s", d, timeout)
		}
		time.Sleep(d / 10)
	}
}

// TestHolderProgressLeavesQueueAlone: the holder's progress steps are
// written to the holder alone. The runs queued behind it keep their status
// (their rows in kubectl get -w do not move) and each step costs the
// manager one write, the holder's summary, however many runs wait. Before,
// every step rewrote every queued run's lockHolder and message.
func TestHolderProgressLeavesQueueAlone(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	var c writeCounter
	// No renewal of the Lease falls into the steps: it is due after 20s.
	startManager(t, ns, withLease(time.Minute), withRequestHook(c.hook))
	create(t, testutil.MakeForecastRun("holder", ns).Horizon(1).Obj())
	holder := waitPhase(t, ns, "holder", v1alpha1.PhaseRunning)
	waitJob(t, ns, "holder-runner")
	queued := []string{"w1", "w2", "w3", "w4", "w5"}
	for i, name := range queued {
		create(t, testutil.MakeForecastRun(name, ns).Horizon(int32(i+2)).Obj())
	}
	eventually(t, 20*time.Second, "five runs queued", queueIs(ns, queued...))
	// The first report also records, once, that the runner started.
	reportShard(t, ns, "holder", 0, 5, 50, holder.Status.FencingToken)
	eventually(t, 10*time.Second, "holder progress", progressIs(ns, "holder", 5, 50))
	c.quiet(t, time.Second, 20*time.Second)
	before := resourceVersions(t, ns, queued)

	for step := int32(1); step <= 5; step++ {
		w0 := c.writes.Load()
		reportShard(t, ns, "holder", 0, step*10, 50, holder.Status.FencingToken)
		eventually(t, 10*time.Second, "holder progress", progressIs(ns, "holder", step*10, 50))
		c.quiet(t, time.Second, 20*time.Second)
		if n := c.writes.Load() - w0; n != 1 {
			c.mu.Lock()
			t.Errorf("progress step %d cost the manager %d writes, want 1 (the holder's status): %v", step, n, c.paths[len(c.paths)-int(n):])
			c.mu.Unlock()
		}
	}
	if after := resourceVersions(t, ns, queued); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("queued runs were rewritten by the holder's progress: resourceVersions %v, then %v", before, after)
	}
	if msg := getRun(t, ns, "w1").Status.Message; msg != "waiting for lock forecast-pipeline held by holder (Running); position 1" {
		t.Errorf("w1 message = %q", msg)
	}
}

func resourceVersions(t *testing.T, ns string, names []string) []string {
	t.Helper()
	out := make([]string, len(names))
	for i, name := range names {
		out[i] = getRun(t, ns, name).ResourceVersion
	}
	return out
}
