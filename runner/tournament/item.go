package tournament

import (
	"math"
	"slices"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/naive"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
)

// worker runs item tournaments one after another. Its buffers are reused
// between items, so each pool goroutine owns exactly one worker.
type worker struct {
	cfg *Config
	// errs holds the absolute backtest errors of every model:
	// errs[(model*windows+window)*horizon+step], NaN where the actual is
	// missing. The winner's slice feeds its conformal intervals.
	errs    []float64
	scratch []float64
}

func newWorker(cfg *Config) *worker { return &worker{cfg: cfg} }

// candidate is one model's outcome on an item.
type candidate struct {
	index int
	score float64
}

// run plays the tournament for one item.
func (w *worker) run(index int, s series.Series) ItemResult {
	res := ItemResult{Index: index, ID: s.ID, Score: Score(math.NaN()), Class: sample.Classify(s.Values)}
	filled, offset := series.Impute(s.Values)
	if filled == nil {
		res.Failed, res.Note = true, "no observations"
		return res
	}
	observed := s.Values[offset:]
	p, ok := planBacktest(len(filled), w.cfg.Horizon, w.cfg.Windows, w.cfg.Step, w.cfg.Season)
	if !ok {
		w.fallback(&res, filled, "too short for a backtest: forecast with Naive")
		return res
	}
	res.Windows, res.BacktestHorizon = p.windows, p.horizon
	ranked := w.backtestAll(&res, filled, observed, p)
	for _, c := range ranked {
		if w.forecastWinner(&res, c, filled, p) {
			return res
		}
	}
	res.Failed = true
	w.fallback(&res, filled, "every model failed: forecast with Naive")
	return res
}

// backtestAll scores every model and returns the successful ones ranked best
// first, ties kept in simplicity order.
func (w *worker) backtestAll(res *ItemResult, filled, observed []float64, p plan) []candidate {
	ms := w.cfg.Models
	w.errs = resize(w.errs, len(ms)*p.windows*p.horizon)
	var scale metrics.Scale
	if w.cfg.Metric.Scaled() {
		// The scale is a per-item constant from the whole observed history,
		// so the ranking within an item is the ranking by the unscaled error
		// and an all-zero early window cannot make every score infinite.
		scale = metrics.NaiveScale(observed, w.cfg.Season)
	}
	res.Scores = make(map[string]Score, len(ms))
	ranked := make([]candidate, 0, len(ms))
	for i, m := range ms {
		score, err := w.backtest(i, m, filled, observed, p, scale)
		if err != nil {
			if res.Skipped == nil {
				res.Skipped = map[string]string{}
			}
			res.Skipped[m.Name()] = err.Error()
			continue
		}
		res.Scores[m.Name()] = Score(score)
		ranked = append(ranked, candidate{index: i, score: score})
	}
	slices.SortStableFunc(ranked, func(a, b candidate) int { return compareScores(a.score, b.score) })
	return ranked
}

// compareScores orders scores ascending with NaN (nothing scored) last.
func compareScores(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b), a == b:
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b), a < b:
		return -1
	}
	return 1
}

// backtest runs model m over the plan's windows and returns its mean score
// over the windows that had an observed actual. Parameters are estimated on
// the first window only and reused on later windows when the fit supports
// models.Refitter.
func (w *worker) backtest(mi int, m models.Model, filled, observed []float64, p plan, scale metrics.Scale) (float64, error) {
	var first models.Fitted
	var total float64
	scored := 0
	for k := range p.windows {
		origin := p.origin(k)
		fit, err := fitSafely(m, first, filled[:origin])
		if err != nil {
			return 0, err
		}
		if k == 0 {
			first = fit
		}
		fc, err := forecastSafely(fit, p.horizon, nil)
		if err != nil {
			return 0, err
		}
		actual := observed[origin : origin+p.horizon]
		w.recordErrors(mi, k, p, actual, fc.Mean)
		if s := w.cfg.Metric.Score(actual, fc.Mean, scale); !math.IsNaN(s) {
			total += s
			scored++
		}
	}
	if scored == 0 {
		return math.NaN(), nil
	}
	return total / float64(scored), nil
}

func (w *worker) recordErrors(mi, k int, p plan, actual, mean []float64) {
	row := w.errs[(mi*p.windows+k)*p.horizon:][:p.horizon]
	for j := range row {
		row[j] = math.Abs(actual[j] - mean[j])
	}
}

// forecastWinner refits candidate c on the whole history and forecasts the
// full horizon. It reports false when the model fails on the full history,
// so that the next-ranked model can take over.
func (w *worker) forecastWinner(res *ItemResult, c candidate, filled []float64, p plan) bool {
	m := w.cfg.Models[c.index]
	fit, err := fitSafely(m, nil, filled)
	if err == nil {
		res.Forecast, err = forecastSafely(fit, w.cfg.Horizon, w.cfg.Levels)
	}
	if err != nil {
		delete(res.Scores, m.Name())
		if res.Skipped == nil {
			res.Skipped = map[string]string{}
		}
		res.Skipped[m.Name()] = "final fit: " + err.Error()
		return false
	}
	res.Winner, res.Score = m.Name(), Score(c.score)
	if !res.Forecast.HasIntervals() {
		errs := w.errs[c.index*p.windows*p.horizon:][:p.windows*p.horizon]
		res.Forecast.Intervals = conformalIntervals(res.Forecast.Mean, errs, p.horizon, w.cfg.Levels, &w.scratch)
		res.Conformal = res.Forecast.Intervals != nil
	}
	return true
}

// fallback forecasts with Naive, whose intervals need no backtest.
func (w *worker) fallback(res *ItemResult, filled []float64, note string) {
	res.Note = note
	res.Winner = naive.Naive{}.Name()
	fit, err := fitSafely(naive.Naive{}, nil, filled)
	if err == nil {
		res.Forecast, err = forecastSafely(fit, w.cfg.Horizon, w.cfg.Levels)
	}
	if err != nil {
		res.Failed, res.Winner = true, ""
		res.Note = note + "; Naive failed too: " + err.Error()
	}
}

func resize(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}
