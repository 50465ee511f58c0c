package controllers

import (
	"fmt"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// TestHolderProgressLeavesQueueAlone: the holder's progress steps are
// written to the holder alone. The runs queued behind it keep their status
// (their rows in kubectl get -w do not move) and each step costs the
// manager one write, the holder's summary, however many runs wait. Before,
// every step rewrote every queued run's lockHolder and message.
func TestHolderProgressLeavesQueueAlone(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	var c requestCounter
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
	quiet(t, &c)
	before := resourceVersions(t, ns, queued)

	for step := int32(1); step <= 5; step++ {
		w0 := c.snapshot().writes
		reportShard(t, ns, "holder", 0, step*10, 50, holder.Status.FencingToken)
		eventually(t, 10*time.Second, "holder progress", progressIs(ns, "holder", step*10, 50))
		quiet(t, &c)
		if w := c.writesSince(w0); len(w) != 1 {
			t.Errorf("progress step %d cost the manager %d writes, want 1 (the holder's status): %v", step, len(w), w)
		}
	}
	if after := resourceVersions(t, ns, queued); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("queued runs were rewritten by the holder's progress: resourceVersions %v, then %v", before, after)
	}
	if msg := getRun(t, ns, "w1").Status.Message; msg != "waiting for lock forecast-pipeline held by holder (Running); position 1" {
		t.Errorf("w1 message = %q", msg)
	}
}

// quiet waits until the manager has sent no request for a second.
func quiet(t *testing.T, c *requestCounter) {
	t.Helper()
	if !c.quietFor(time.Second, 20*time.Second) {
		t.Fatal("the manager did not fall quiet for a second within 20s")
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
