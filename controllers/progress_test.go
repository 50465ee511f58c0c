package controllers

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/runprogress"
	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/job"
)

// TestProgressStepIsOneUpdateOfTheRun runs the real runner for a Running
// run, as its ServiceAccount, while the manager reconciles it. Before, each
// step was two updates, and so two lines of `kubectl get forecastruns -w`:
// the runner's shard report, then the controller's summary of it. Now the
// runner writes the summary with its report: every update a watcher sees
// shows progress that agrees with the shards, and the manager writes
// nothing while the run progresses.
func TestProgressStepIsOneUpdateOfTheRun(t *testing.T) {
	ctx := context.Background()
	ns := newNamespace(t)
	var c requestCounter
	startManager(t, ns, withLease(time.Minute), withRequestHook(c.hook))
	create(t, testutil.MakeForecastRun("steps", ns).Mode(v1alpha1.ModeSample).Synthetic(500, 200, 7).Horizon(7).Obj())
	startRunnerPod(t, waitJob(t, ns, "steps-runner"), "node-a")
	eventually(t, 20*time.Second, "the Running condition", func() error {
		if cond := findCondition(getRun(t, ns, "steps"), v1alpha1.ConditionRunning); cond == nil || cond.Status != "True" {
			return fmt.Errorf("Running condition %+v", cond)
		}
		return nil
	})
	run := getRun(t, ns, "steps")
	updates := watchRunUpdates(t, ns, "steps")
	quiet(t, &c)
	w0 := c.snapshot().writes

	runnerClient, err := cp.ClientAs(serviceAccountUser(ns, runnerServiceAccount(run)))
	if err != nil {
		t.Fatal(err)
	}
	runner := &job.Runner{Client: runnerClient, Log: slog.New(slog.DiscardHandler), Env: job.Env{
		RunName: "steps", Namespace: ns, FencingToken: run.Status.FencingToken, Shards: 1, OutputRoot: t.TempDir(),
	}}
	if err := runner.Run(ctx); err != nil {
		t.Fatalf("the runner failed: %v", err)
	}
	quiet(t, &c)
	if w := c.writesSince(w0); len(w) != 0 {
		t.Errorf("the manager wrote %d times while the runner reported: %v; want none (the runner's reports carry the summary)", len(w), w)
	}
	seen := updates(getRun(t, ns, "steps").ResourceVersion)
	if len(seen) < 2 {
		t.Fatalf("the watch saw %d updates while the runner ran; want its first report and its last at least", len(seen))
	}
	for i, r := range seen {
		done, total, _, _, _ := runprogress.SumShards(r.Status.Shards, r.Status.FencingToken)
		if p := r.Status.Progress; p == nil || p.ItemsDone != done || p.ItemsTotal != total {
			t.Errorf("update %d shows progress %s while its shards report %d/%d: a line of kubectl get -w that the next update repeats with the summary", i, progressText(p), done, total)
		}
	}
	last := seen[len(seen)-1]
	if p := last.Status.Progress; p == nil || p.Percent != 100 || last.Status.Message == "" || last.Status.EstimatedCompletionTime == nil {
		t.Errorf("after the last report: progress %s, message %q, ETA %v; want 100%% with a message and an ETA", progressText(p), last.Status.Message, last.Status.EstimatedCompletionTime)
	}
}

// watchRunUpdates records every update of one run from now on; the
// returned function waits for the update that made resourceVersion, stops
// the watch and returns them.
func watchRunUpdates(t *testing.T, ns, name string) func(resourceVersion string) []v1alpha1.ForecastRun {
	t.Helper()
	wc, err := client.NewWithWatch(cp.Config, client.Options{Scheme: scheme})
	if err != nil {
		t.Fatal(err)
	}
	run := getRun(t, ns, name)
	w, err := wc.Watch(context.Background(), &v1alpha1.ForecastRunList{}, client.InNamespace(ns),
		client.MatchingFields{"metadata.name": name}, &client.ListOptions{Raw: &metav1.ListOptions{ResourceVersion: run.ResourceVersion}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return func(resourceVersion string) []v1alpha1.ForecastRun {
		var seen []v1alpha1.ForecastRun
		timeout := time.After(20 * time.Second)
		for {
			select {
			case ev, ok := <-w.ResultChan():
				r, isRun := ev.Object.(*v1alpha1.ForecastRun)
				if !ok || !isRun {
					t.Fatalf("the watch of %s ended after %d updates", name, len(seen))
				}
				if seen = append(seen, *r); r.ResourceVersion == resourceVersion {
					return seen
				}
			case <-timeout:
				t.Fatalf("the watch of %s did not reach resourceVersion %s in 20s (%d updates)", name, resourceVersion, len(seen))
			}
		}
	}
}

func progressText(p *v1alpha1.Progress) string {
	if p == nil {
		return "none"
	}
	return p.Items
}
