package forecastcli

import (
	"context"
	"fmt"
	"io"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// awaitPhase gives the controller a moment to admit or queue a new run, so
// the first answer says where it stands. It returns the last read, which
// may still have no phase when no controller is running.
func (g *globals) awaitPhase(ctx context.Context, s *session, run *v1alpha1.ForecastRun) *v1alpha1.ForecastRun {
	deadline := g.now().Add(g.settle)
	latest := run
	for latest.Status.Phase == "" || latest.Status.Phase == v1alpha1.PhasePending {
		if !g.now().Before(deadline) || sleep(ctx, g.poll) != nil {
			break
		}
		var fresh v1alpha1.ForecastRun
		if err := s.Get(ctx, client.ObjectKeyFromObject(run), &fresh); err != nil {
			break
		}
		latest = &fresh
	}
	return latest
}

// describeStanding is one line on where a run stands. The controller's
// message already says who holds the lock and the queue position.
func describeStanding(run *v1alpha1.ForecastRun) string {
	switch {
	case run.Status.Phase == "":
		return "phase: Pending (the controller has not picked it up yet; is the ForecastRun manager running?)"
	case run.Status.Message != "":
		return fmt.Sprintf("phase: %s — %s", run.Status.Phase, run.Status.Message)
	case run.Status.QueuePosition != nil:
		return fmt.Sprintf("phase: %s, position %d", run.Status.Phase, *run.Status.QueuePosition)
	}
	return fmt.Sprintf("phase: %s", run.Status.Phase)
}

// follow polls a run until it finishes, showing each read in a progress
// view: a bar on a terminal, a line per change elsewhere. said means the
// caller has already printed where the run stands.
func (g *globals) follow(ctx context.Context, s *session, run *v1alpha1.ForecastRun, w io.Writer, said bool) (*v1alpha1.ForecastRun, error) {
	view := g.newProgressView(w, run, said)
	view.show(run)
	for !run.Status.Phase.Finished() {
		if err := sleep(ctx, g.poll); err != nil {
			view.done(run)
			return nil, fmt.Errorf("waiting for forecastrun/%s: %w", run.Name, err)
		}
		var fresh v1alpha1.ForecastRun
		if err := s.Get(ctx, client.ObjectKeyFromObject(run), &fresh); err != nil {
			view.done(run)
			return nil, fmt.Errorf("waiting for forecastrun/%s: %w", run.Name, notFoundHint(err, s.namespace))
		}
		run = &fresh
		view.show(run)
	}
	view.done(run)
	return run, nil
}

// summarize ends a followed run's story: a Succeeded run's results, as
// `results` prints them; for any other end the last line said it all.
func (g *globals) summarize(w io.Writer, run *v1alpha1.ForecastRun) {
	if run.Status.Phase != v1alpha1.PhaseSucceeded || run.Status.Result == nil {
		return
	}
	fmt.Fprintln(w)
	printResults(w, viewOf(run), g.now())
}

// progressLine is the phase and the controller's message ("Running —
// running: 42% of items (1557/3707), ETA 2026-11-27T10:02:10Z; ..."), or
// the bare progress figures when there is no message.
func progressLine(run *v1alpha1.ForecastRun) string {
	phase := orUnknown(string(run.Status.Phase), "Pending")
	if run.Status.Message != "" {
		return phase + " — " + run.Status.Message
	}
	p := run.Status.Progress
	if p == nil || run.Status.Phase != v1alpha1.PhaseRunning {
		return phase
	}
	line := fmt.Sprintf("%s %d%% (%d/%d items", phase, p.Percent, p.ItemsDone, p.ItemsTotal)
	if t := run.Status.EstimatedCompletionTime; t != nil {
		line += ", ETA " + t.UTC().Format(time.RFC3339)
	}
	return line + ")"
}

// endedWell turns a final phase other than Succeeded into an error, so a
// script can rely on the exit status of `run --wait`.
func endedWell(run *v1alpha1.ForecastRun) error {
	if run.Status.Phase == v1alpha1.PhaseSucceeded {
		return nil
	}
	return fmt.Errorf("forecastrun/%s ended %s: %s", run.Name, run.Status.Phase, run.Status.Message)
}

func orUnknown(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
