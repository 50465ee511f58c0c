package tournament

import (
	"fmt"
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
	// errs holds the backtest errors, forecast − actual, of every model:
	// errs[(model*windows+window)*horizon+step], NaN where the actual is
	// missing. The winner's slice feeds its conformal intervals and bias.
	errs    []float64
	scratch []float64
	// With the ensemble enabled, fcs and windowScores keep every model's
	// backtest forecasts (fcs[(model*windows+window)*horizon+step]) and
	// per-window scores (windowScores[model*windows+window], NaN when
	// nothing was scored), from which the ensemble is backtested without
	// fitting anything again.
	fcs, windowScores []float64
	// firsts holds each model's fit on the item's first backtest window,
	// from which the final fit reestimates a searched form.
	firsts []models.Fitted
	// active marks the models that are candidates for the current item,
	// and observed is its history after leading missing values.
	active   []bool
	observed []float64
	// nonNegative is true when the item has no negative observation: its
	// forecasts and bounds are then kept at or above zero. limit is the
	// largest forecast magnitude taken as plausible (see plausibleLimit).
	nonNegative bool
	limit       float64
	// scales[k] is the MASE/RMSSE scale of backtest window k, from the
	// history that window saw (see windowScales).
	scales []metrics.Scale
	// estimateEvery is Config.EstimateEveryWindow, or true for an item
	// whose first backtest window is short (see estimatesEveryWindow).
	estimateEvery bool
}

func newWorker(cfg *Config) *worker { return &worker{cfg: cfg} }

// candidate is one model's outcome on an item.
type candidate struct {
	index int
	score float64
}

// run plays the tournament for one item.
func (w *worker) run(index int, s series.Series) ItemResult {
	res := ItemResult{Index: index, ID: s.ID, Score: Score(math.NaN()), Bias: Score(math.NaN()), Class: sample.Classify(s.Values)}
	filled, offset := series.Impute(s.Values)
	if filled == nil {
		res.Failed, res.Note = true, "no observations"
		return res
	}
	observed := s.Values[offset:]
	w.observed = observed
	w.nonNegative, w.limit = isNonNegative(observed), plausibleLimit(observed)
	p, ok := planBacktest(len(filled), w.cfg.Horizon, w.cfg.Windows, w.cfg.Step, w.cfg.Season)
	if !ok {
		w.fallback(&res, filled, "too short for a backtest: forecast with Naive")
		return res
	}
	res.Windows, res.BacktestHorizon = p.windows, p.horizon
	w.chooseCandidates(res.Class)
	w.estimateEvery = w.cfg.EstimateEveryWindow || shortFirstWindow(p, w.cfg.Season)
	ranked := w.backtestAll(&res, filled, observed, p)
	for _, c := range ranked {
		if w.forecastCandidate(&res, c, ranked, filled, p) {
			return res
		}
	}
	res.Failed = true
	w.fallback(&res, filled, "every model failed: forecast with Naive")
	return res
}

// chooseCandidates marks the models that suit an item of class c (see
// Config.Suits); all of them when Suits is nil or accepts none.
func (w *worker) chooseCandidates(c sample.DemandClass) {
	ms := w.cfg.Models
	if len(w.active) != len(ms) {
		w.active = make([]bool, len(ms))
	}
	any := false
	for i, m := range ms {
		w.active[i] = w.cfg.Suits == nil || w.cfg.Suits(m.Name(), c)
		any = any || w.active[i]
	}
	if !any {
		for i := range w.active {
			w.active[i] = true
		}
	}
}

// backtestAll scores every candidate model, and the ensemble when enabled,
// and returns the successful candidates ranked best first, ties kept in
// simplicity order with the ensemble after every model, unless it is
// preferred within its margin (see EnsembleConfig).
func (w *worker) backtestAll(res *ItemResult, filled, observed []float64, p plan) []candidate {
	ms := w.cfg.Models
	w.resizeBuffers(p)
	w.scales = windowScales(observed, p, w.cfg.Season, w.scales)
	res.Scores = make(map[string]Score, len(ms))
	res.Biases = make(map[string]Score, len(ms))
	ranked := make([]candidate, 0, len(ms))
	for i, m := range ms {
		if !w.active[i] {
			continue
		}
		score, err := w.backtest(i, m, filled, observed, p)
		if err != nil {
			dropCandidate(res, m.Name(), err.Error())
			continue
		}
		res.Scores[m.Name()] = Score(score)
		res.Biases[m.Name()] = Score(w.bias(i, p))
		ranked = append(ranked, candidate{index: i, score: score})
	}
	if w.cfg.Ensemble != nil {
		ranked = w.addEnsemble(res, ranked, observed, p)
	}
	slices.SortStableFunc(ranked, func(a, b candidate) int { return compareScores(a.score, b.score) })
	return w.preferEnsemble(ranked)
}

// preferEnsemble moves the ensemble to the front of ranked when its score
// is below the best model's times 1 + Margin.
func (w *worker) preferEnsemble(ranked []candidate) []candidate {
	if w.cfg.Ensemble == nil || w.cfg.Ensemble.Margin == 0 || len(ranked) < 2 {
		return ranked
	}
	ens := slices.IndexFunc(ranked, func(c candidate) bool { return c.index == len(w.cfg.Models) })
	if ens <= 0 || !(ranked[ens].score < ranked[0].score*(1+w.cfg.Ensemble.Margin)) {
		return ranked
	}
	e := ranked[ens]
	copy(ranked[1:ens+1], ranked[:ens])
	ranked[0] = e
	return ranked
}

// bias is the scaled mean error over the backtest of candidate slot i:
// the mean of its errors, each scaled by its window's scale.
func (w *worker) bias(i int, p plan) float64 {
	var total float64
	n := 0
	for k := range p.windows {
		var sum float64
		m := 0
		for _, e := range w.errs[(i*p.windows+k)*p.horizon:][:p.horizon] {
			if !math.IsNaN(e) {
				sum += e
				m++
			}
		}
		if m > 0 {
			total += metrics.ScaledError(sum, m, w.scales[k]) * float64(m)
			n += m
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return total / float64(n)
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
// over the windows that had an observed actual. A model is fitted in full
// on the first window only: on later windows its parameters are reused
// (models.Refitter), or an automatic model that cannot reuse them has its
// form reestimated (models.Reestimator), unless Config.EstimateEveryWindow.
func (w *worker) backtest(mi int, m models.Model, filled, observed []float64, p plan) (float64, error) {
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
			w.firsts[mi] = fit
			if !w.estimateEvery {
				first = fit
			}
		}
		fc, err := w.forecast(fit, p.horizon)
		if err != nil {
			return 0, err
		}
		actual := observed[origin : origin+p.horizon]
		w.recordErrors(mi, k, p, actual, fc.Mean)
		s := w.cfg.Metric.Score(actual, fc.Mean, w.scaleFor(k))
		if w.cfg.Ensemble != nil {
			w.recordWindow(mi, k, p, fc.Mean, s)
		}
		if !math.IsNaN(s) {
			total += s
			scored++
		}
	}
	if scored == 0 {
		return math.NaN(), nil
	}
	return total / float64(scored), nil
}

// scaleFor is the scale the metric is given in window k: the window's for
// MASE and RMSSE, none for the others.
func (w *worker) scaleFor(k int) metrics.Scale {
	if w.cfg.Metric.Scaled() {
		return w.scales[k]
	}
	return metrics.Scale{}
}

// recordErrors keeps the errors forecast − actual of slot mi's window k
// (NaN where the actual is missing).
func (w *worker) recordErrors(mi, k int, p plan, actual, mean []float64) {
	row := w.errs[(mi*p.windows+k)*p.horizon:][:p.horizon]
	for j := range row {
		row[j] = mean[j] - actual[j]
	}
}

// forecastCandidate forecasts with candidate c, the ensemble or a model,
// and reports whether it succeeded; ranked is the whole ranking, from
// which the ensemble takes its members.
func (w *worker) forecastCandidate(res *ItemResult, c candidate, ranked []candidate, filled []float64, p plan) bool {
	if c.index == len(w.cfg.Models) {
		return w.forecastEnsemble(res, c, ranked, filled, p)
	}
	return w.forecastWinner(res, c, filled, p)
}

// forecastWinner refits candidate c on the whole history and forecasts the
// full horizon. It reports false when the model fails on the full history,
// so that the next-ranked model can take over.
func (w *worker) forecastWinner(res *ItemResult, c candidate, filled []float64, p plan) bool {
	m := w.cfg.Models[c.index]
	fit, err := w.finalFit(c.index, filled)
	if err == nil {
		res.Forecast, err = w.forecast(fit, w.cfg.Horizon)
	}
	if err != nil {
		dropCandidate(res, m.Name(), "final fit: "+err.Error())
		return false
	}
	res.Winner, res.Score = m.Name(), Score(c.score)
	w.recordWinnerBias(res, c.index, p)
	w.addIntervals(res, c.index, p)
	return true
}

// finalFit fits model mi on the whole history. A model that searched its
// form on the first backtest window reestimates that form rather than
// searching again (see models.Reestimator); the others are fitted afresh.
func (w *worker) finalFit(mi int, filled []float64) (models.Fitted, error) {
	if r, ok := w.firsts[mi].(models.Reestimator); ok && !w.estimateEvery {
		return reestimateSafely(r, filled)
	}
	return fitSafely(w.cfg.Models[mi], nil, filled)
}

// recordWinnerBias copies the winner's bias and backtest totals (slot
// index of the errors) into res.
func (w *worker) recordWinnerBias(res *ItemResult, index int, p plan) {
	res.Bias = res.Biases[res.Winner]
	var t Totals
	for k := range p.windows {
		origin := p.origin(k)
		errs := w.errs[(index*p.windows+k)*p.horizon:][:p.horizon]
		for j, e := range errs {
			if !math.IsNaN(e) {
				a := w.observed[origin+j]
				t.Actual += a
				t.Forecast += a + e
			}
		}
	}
	res.BacktestTotals = t
}

// addIntervals records the item's calibration from the backtest errors of
// candidate index and gives it intervals and quantiles from its own
// errors alone; Run replaces them by the ones calibrated over the item's
// demand family (see Calibrate).
func (w *worker) addIntervals(res *ItemResult, index int, p plan) {
	errs := w.errs[index*p.windows*p.horizon:][:p.windows*p.horizon]
	res.Calibration = newCalibration(errs, p.horizon, w.naiveMSE(), w.nonNegative, res.Class)
	w.calibrateAlone(res)
}

// calibrateAlone applies Calibrate to one item.
func (w *worker) calibrateAlone(res *ItemResult) {
	items := []ItemResult{*res}
	calibrate(items, w.cfg.Levels, w.cfg.Quantiles)
	*res = items[0]
}

// naiveMSE is the mean squared in-sample error of the seasonal naive
// forecast (the RMSSE scale), the prior of the item's error level and the
// error level of an item without a backtest.
func (w *worker) naiveMSE() float64 {
	return metrics.NaiveScale(w.observed, w.cfg.Season).MSE
}

// dropCandidate removes a candidate that failed, in its backtest or final
// fit, from the scores and records why.
func dropCandidate(res *ItemResult, name, reason string) {
	delete(res.Scores, name)
	if res.Skipped == nil {
		res.Skipped = map[string]string{}
	}
	res.Skipped[name] = reason
}

// fallback forecasts with Naive: the last value. With no backtest errors
// of its own the item's intervals come from its family's pooled ratios
// (Calibrate) scaled by its naive one-step error, or, for a new item with
// a single observation, by that observation's size (a new item's demand
// is as uncertain as it is large); alone in a run, from the normal
// distribution.
func (w *worker) fallback(res *ItemResult, filled []float64, note string) {
	res.Note = note
	res.Winner = naive.Naive{}.Name()
	sigma := math.Sqrt(w.naiveMSE())
	if len(filled) == 1 {
		res.Forecast = models.Forecast{Mean: slices.Repeat(filled, w.cfg.Horizon)}
		sigma = math.Abs(filled[0])
	} else {
		fit, err := fitSafely(naive.Naive{}, nil, filled)
		if err == nil {
			res.Forecast, err = w.forecast(fit, w.cfg.Horizon)
		}
		if err != nil {
			res.Failed, res.Winner = true, ""
			res.Note = note + "; Naive failed too: " + err.Error()
			return
		}
	}
	res.Calibration = &Calibration{Sigma: sigma, NonNegative: w.nonNegative, Family: calibrationFamily(res.Class)}
	w.calibrateAlone(res)
}

// forecast forecasts h steps with fit, rejecting an implausible forecast
// (see plausibleLimit) and keeping the forecast of a non-negative item at
// or above zero.
func (w *worker) forecast(fit models.Fitted, h int) (models.Forecast, error) {
	fc, err := forecastSafely(fit, h, nil)
	if err != nil {
		return fc, err
	}
	for j, v := range fc.Mean {
		if math.Abs(v) > w.limit {
			return fc, fmt.Errorf("%w: %.4g at step %d, beyond %.4g", errImplausible, v, j+1, w.limit)
		}
		if w.nonNegative && v < 0 {
			fc.Mean[j] = 0
		}
	}
	return fc, nil
}

func resize(buf []float64, n int) []float64 {
	if cap(buf) < n {
		return make([]float64, n)
	}
	return buf[:n]
}
