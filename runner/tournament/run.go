package tournament

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
)

// ProgressFunc receives progress reports: done items out of total, and a
// message naming the last item finished. It is called from the goroutine
// that called Run, with done never decreasing.
type ProgressFunc func(done, total int, msg string)

// Run plays the tournament on every item not in cfg.Skip, on a pool of
// cfg.Workers goroutines. The context is checked between items: on
// cancellation Run stops handing out items, waits for the ones in flight,
// and returns the finished items together with ctx.Err(). progress may be
// nil.
//
// For each item:
//   - Missing values are imputed (series.Impute) before any fit; scores use
//     only observed actuals, and a window with none is left out of the mean.
//   - Each model is fit on the earliest window's training data, then refit
//     with those parameters (models.Refitter) or fit afresh on later
//     windows. Its score is the mean over windows of cfg.Metric, with the
//     MASE/RMSSE scale taken from the item's whole observed history.
//   - A model that errors, panics or forecasts NaN/Inf is skipped for the
//     item with the reason in ItemResult.Skipped.
//   - The lowest mean score wins; ties go to the earlier model in
//     cfg.Models; a model with nothing scored ranks last. The winner is fit
//     on the whole history; if that fails the runner-up takes its place.
//   - Intervals are the model's own; otherwise conformal intervals from the
//     winner's absolute backtest errors (see conformalIntervals).
//   - With cfg.Ensemble set, an "Ensemble" candidate combines the top-k
//     models. It is backtested on the models' backtest forecasts, with
//     each window's members chosen by the other windows' scores, ranks
//     after every model on ties, and when it wins its members are refit on
//     the whole history and combined; its intervals are conformal.
//   - A series too short for the configured backtest gets fewer windows,
//     then a shorter backtest horizon (see planBacktest); one with fewer
//     than three observations is forecast with Naive without a backtest.
//     If every model fails the item is forecast with Naive and Failed.
func Run(ctx context.Context, items []series.Series, cfg Config, progress ProgressFunc) (*Result, error) {
	start := time.Now()
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	results := make([]ItemResult, len(items))
	finished := make([]bool, len(items))
	collect(ctx, items, &cfg, progress, results, func(i int) { finished[i] = true })
	res := &Result{Items: keepFinished(results, finished), Models: cfg.CandidateNames()}
	calibrate(res.Items, cfg.Levels, cfg.Quantiles)
	res.Summary = Summarise(res.Items, time.Since(start))
	return res, ctx.Err()
}

// Stream runs the tournament as Run does but keeps no result: each
// finished item goes to cfg.OnItem, which is required, with its own
// calibration (ItemResult.Calibration) and without the calibration that
// pools every item's errors, which Run adds at its end. It is for a caller
// that records the items and calibrates from the records of every item
// later, as a job's merge does: holding every result until the end was
// half of a one-Pod run's peak memory at a million items, and calibrating
// them only to drop them an eighth of its CPU, on one core.
func Stream(ctx context.Context, items []series.Series, cfg Config, progress ProgressFunc) error {
	if cfg.OnItem == nil {
		return errors.New("tournament.Stream needs Config.OnItem")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	results := make([]ItemResult, len(items))
	collect(ctx, items, &cfg, progress, results, func(i int) { results[i] = ItemResult{} })
	return ctx.Err()
}

// collect runs the items cfg.Skip does not name, hands each finished one
// to cfg.OnItem and reports progress, then calls after with its index.
func collect(ctx context.Context, items []series.Series, cfg *Config, progress ProgressFunc, results []ItemResult, after func(i int)) {
	if progress == nil {
		progress = func(int, int, string) {}
	}
	todo := pending(items, cfg.Skip)
	done := len(items) - len(todo)
	progress(done, len(items), fmt.Sprintf("starting: %d items to run, %d already done", len(todo), done))
	for i := range runPool(ctx, items, todo, cfg, results) {
		done++
		if cfg.OnItem != nil {
			cfg.OnItem(results[i])
		}
		progress(done, len(items), itemMessage(results[i]))
		after(i)
	}
}

// pending lists the indices of the items to run, longest history first:
// an item's fits cost roughly in proportion to its length, so the pool
// starts the slow ones while there is still other work to overlap them
// and does not end waiting on one straggler. Items of equal length keep
// their order.
func pending(items []series.Series, skip map[string]bool) []int {
	todo := make([]int, 0, len(items))
	for i, it := range items {
		if !skip[it.ID] {
			todo = append(todo, i)
		}
	}
	slices.SortStableFunc(todo, func(a, b int) int {
		return cmp.Compare(len(items[b].Values), len(items[a].Values))
	})
	return todo
}

// runPool starts the workers and returns a channel of finished indices; it
// is closed when every worker has stopped. Each worker writes only
// results[i] for the indices it receives, so there is no shared mutable
// state; the channel send orders that write before the collector's read.
func runPool(ctx context.Context, items []series.Series, todo []int, cfg *Config, results []ItemResult) <-chan int {
	jobs := make(chan int)
	finished := make(chan int, cfg.Workers)
	var wg sync.WaitGroup
	for range min(cfg.Workers, max(len(todo), 1)) {
		wg.Go(func() {
			w := newWorker(cfg)
			for i := range jobs {
				if ctx.Err() != nil {
					continue // drain without working once cancelled
				}
				results[i] = w.run(i, items[i])
				finished <- i
			}
		})
	}
	go feed(ctx, todo, jobs)
	go func() {
		wg.Wait()
		close(finished)
	}()
	return finished
}

// feed hands out item indices until they run out or ctx is cancelled.
func feed(ctx context.Context, todo []int, jobs chan<- int) {
	defer close(jobs)
	for _, i := range todo {
		select {
		case <-ctx.Done():
			return
		case jobs <- i:
		}
	}
}

func keepFinished(results []ItemResult, finished []bool) []ItemResult {
	out := make([]ItemResult, 0, len(results))
	for i, ok := range finished {
		if ok {
			out = append(out, results[i])
		}
	}
	return out
}

// itemMessage describes a finished item for a progress report.
func itemMessage(it ItemResult) string {
	if it.Failed {
		return fmt.Sprintf("%s: failed (%s)", it.ID, it.Note)
	}
	return fmt.Sprintf("%s: %s", it.ID, it.Winner)
}
