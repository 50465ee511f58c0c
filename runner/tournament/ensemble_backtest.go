package tournament

import (
	"math"
	"slices"

	"github.com/forecastrun/forecastrun/runner/models"
)

// resizeBuffers sizes the worker's buffers for plan p. With the ensemble
// enabled, its backtest errors take the slot after the last model's.
func (w *worker) resizeBuffers(p plan) {
	slots := len(w.cfg.Models)
	if w.cfg.Ensemble != nil {
		slots++
		w.fcs = resize(w.fcs, len(w.cfg.Models)*p.windows*p.horizon)
		w.windowScores = resize(w.windowScores, len(w.cfg.Models)*p.windows)
	}
	w.errs = resize(w.errs, slots*p.windows*p.horizon)
	if len(w.firsts) != len(w.cfg.Models) {
		w.firsts = make([]models.Fitted, len(w.cfg.Models))
	}
	clear(w.firsts)
}

// recordWindow keeps model mi's forecast and score of window k.
func (w *worker) recordWindow(mi, k int, p plan, mean []float64, score float64) {
	copy(w.fcs[(mi*p.windows+k)*p.horizon:][:p.horizon], mean)
	w.windowScores[mi*p.windows+k] = score
}

// addEnsemble backtests the ensemble over the models in backtested (those
// that completed their backtest, in simplicity order) and appends it to
// the candidates, last. With fewer than two models there is nothing to
// combine and the ensemble is skipped.
func (w *worker) addEnsemble(res *ItemResult, backtested []candidate, observed []float64, p plan) []candidate {
	if len(backtested) < 2 {
		dropCandidate(res, EnsembleName, "fewer than 2 models backtested")
		return backtested
	}
	score := w.backtestEnsemble(backtested, observed, p)
	res.Scores[EnsembleName] = Score(score)
	res.Biases[EnsembleName] = Score(w.bias(len(w.cfg.Models), p))
	return append(backtested, candidate{index: len(w.cfg.Models), score: score})
}

// backtestEnsemble scores the ensemble on every window from the forecasts
// the models already made there. Choosing the members by the same windows
// the ensemble is scored on would flatter it, since the members look best
// partly because they were lucky on those windows. So window k's members
// are the top-k by their mean score over the other windows only
// (leave-one-window-out). With a single window there are no other windows;
// the members are then ranked on that window itself, and the ensemble's
// score is optimistic.
func (w *worker) backtestEnsemble(backtested []candidate, observed []float64, p plan) float64 {
	ens := len(w.cfg.Models)
	mean := make([]float64, p.horizon)
	var total float64
	scored := 0
	for k := range p.windows {
		members := w.membersWithout(backtested, k, p)
		w.combineWindow(mean, members, k, p)
		origin := p.origin(k)
		actual := observed[origin : origin+p.horizon]
		w.recordErrors(ens, k, p, actual, mean)
		if s := w.cfg.Metric.Score(actual, mean, w.scaleFor(k)); !math.IsNaN(s) {
			total += s
			scored++
		}
	}
	if scored == 0 {
		return math.NaN()
	}
	return total / float64(scored)
}

// membersWithout returns the indices of the top-k models ranked by their
// mean score over every window but k (over window k itself when it is the
// only one). Ties keep simplicity order; a model with nothing scored ranks
// last.
func (w *worker) membersWithout(backtested []candidate, k int, p plan) []int {
	ranked := make([]candidate, len(backtested))
	for i, c := range backtested {
		ranked[i] = candidate{index: c.index, score: w.meanScoreWithout(c.index, k, p)}
	}
	slices.SortStableFunc(ranked, func(a, b candidate) int { return compareScores(a.score, b.score) })
	members := make([]int, min(w.cfg.Ensemble.TopK, len(ranked)))
	for i := range members {
		members[i] = ranked[i].index
	}
	return members
}

// meanScoreWithout is model mi's mean score over the windows other than
// k, NaN when none of them was scored.
func (w *worker) meanScoreWithout(mi, k int, p plan) float64 {
	var total float64
	scored := 0
	for j, s := range w.windowScores[mi*p.windows:][:p.windows] {
		if (j == k && p.windows > 1) || math.IsNaN(s) {
			continue
		}
		total += s
		scored++
	}
	if scored == 0 {
		return math.NaN()
	}
	return total / float64(scored)
}

// combineWindow writes into mean the combination of the members' forecasts
// of window k.
func (w *worker) combineWindow(mean []float64, members []int, k int, p plan) {
	vals := make([]float64, len(members))
	for j := range mean {
		for i, mi := range members {
			vals[i] = w.fcs[(mi*p.windows+k)*p.horizon+j]
		}
		mean[j] = w.cfg.Ensemble.Combine.of(vals)
	}
}
