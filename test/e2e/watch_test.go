//go:build e2e

package e2e

import (
	"encoding/json"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runprogress"
)

// observation is one state of a run as `kubectl get -w` streamed it.
type observation struct {
	at      time.Time
	phase   v1alpha1.Phase
	percent int32
	done    int32
	total   int32
	// shardsDone and shardsTotal sum the shard reports of the current
	// hold, reported is false when there is none.
	shardsDone, shardsTotal int32
	reported                bool
}

// runWatch streams `kubectl get forecastruns -w -o json` for a namespace,
// as a user watching the runs would, and records each state of one run.
type runWatch struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	obs  []observation
	done chan struct{}
}

// watchRun starts watching before the run exists, so that its first states
// (and the time it turned Running) are seen.
func watchRun(t *testing.T, ns, name string) *runWatch {
	t.Helper()
	cmd := exec.Command(env.kubectlBin, "--kubeconfig", env.kubeconfig, "get", "forecastruns", "-n", ns, "-w", "-o", "json")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("watching runs in %s: %v", ns, err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting kubectl get -w in %s: %v", ns, err)
	}
	w := &runWatch{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		dec := json.NewDecoder(out)
		for {
			var run v1alpha1.ForecastRun
			if err := dec.Decode(&run); err != nil {
				return // kubectl was stopped
			}
			if run.Name == name {
				w.record(&run)
			}
		}
	}()
	t.Cleanup(func() { w.stop() })
	// The watch is established once kubectl has listed the namespace;
	// give it that long so an immediate apply is not missed.
	time.Sleep(300 * time.Millisecond)
	return w
}

func (w *runWatch) record(run *v1alpha1.ForecastRun) {
	o := observation{at: time.Now(), phase: run.Status.Phase}
	if p := run.Status.Progress; p != nil {
		o.percent, o.done, o.total = p.Percent, p.ItemsDone, p.ItemsTotal
	}
	o.shardsDone, o.shardsTotal, _, _, o.reported = runprogress.SumShards(run.Status.Shards, run.Status.FencingToken)
	w.mu.Lock()
	w.obs = append(w.obs, o)
	w.mu.Unlock()
}

// stop ends the watch and returns everything it saw.
func (w *runWatch) stop() []observation {
	if w.cmd.Process != nil {
		_ = w.cmd.Process.Kill()
	}
	<-w.done
	_ = w.cmd.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]observation(nil), w.obs...)
}

// firstPhase is the time of the first observation in one of phases.
func firstPhase(obs []observation, phases ...v1alpha1.Phase) (time.Time, bool) {
	for _, o := range obs {
		for _, p := range phases {
			if o.phase == p {
				return o.at, true
			}
		}
	}
	return time.Time{}, false
}

// assertOneLinePerStep checks that every update of the running run that
// `kubectl get -w` printed shows the progress its shards report. Before the
// runner wrote the summary with its report, each step printed a line with
// the new report and the old progress, then the controller's line with the
// new progress.
func assertOneLinePerStep(t *testing.T, obs []observation) {
	t.Helper()
	steps := 0
	for i, o := range obs {
		if o.phase != v1alpha1.PhaseRunning || !o.reported {
			continue
		}
		steps++
		if o.done != o.shardsDone || o.total != o.shardsTotal {
			t.Errorf("line %d of kubectl get -w shows %d/%d items while the shards report %d/%d: the step takes two lines", i, o.done, o.total, o.shardsDone, o.shardsTotal)
		}
	}
	if steps == 0 {
		t.Errorf("kubectl get -w showed no progress step of the running run")
	}
}
