package tournament

import (
	"fmt"
	"math"
	"slices"
)

// EnsembleName is the ensemble candidate's name in scores, leaderboards and
// winners. It is also the name by which a model selection asks for it.
const EnsembleName = "Ensemble"

// DefaultTopK is the number of models the ensemble combines when
// EnsembleConfig.TopK is 0.
const DefaultTopK = 3

// Combine says how the ensemble combines its members' point forecasts.
type Combine string

const (
	// CombineMean takes the mean per step, the default: of the best three
	// it was the more accurate on every shared split (m4-weekly MASE 2.015
	// against 2.079 for the median), as the combination literature leads
	// one to expect of members that are all reasonable.
	CombineMean Combine = "mean"
	// CombineMedian takes the median per step: robust to one member far
	// off, which is more common when the candidates are not chosen by
	// demand class.
	CombineMedian Combine = "median"
)

// EnsembleConfig adds an "Ensemble" candidate to every item's tournament.
// Its forecast combines the TopK individual models ranked best by backtest
// score; it is backtested and scored like any model. Its backtest reuses
// the models' backtest forecasts, and each window's members are chosen by
// the other windows' scores only, so that its score is not flattered by
// selecting on the data it is scored on; with a single backtest window
// that is impossible, the window ranks itself, and the ensemble's score is
// optimistic. It wins when its score is lower than the best model's score
// times 1 + Margin: with Margin 0 it must be strictly better, as any
// candidate; with a positive margin a single model must be clearly better
// than the combination to be chosen alone.
type EnsembleConfig struct {
	// TopK is how many of the best-ranked models are combined (default 3,
	// at least 2). An item where fewer models backtested combines those
	// that did, and gets no ensemble when fewer than 2 did.
	TopK int
	// Combine is CombineMean (default) or CombineMedian.
	Combine Combine
	// Margin is the ensemble's preference over the single models (see
	// above); not negative. DefaultEnsembleMargin is the runner's choice.
	Margin float64
}

// DefaultEnsembleMargin is the margin the runner gives the ensemble: a
// single model forecasts alone only when its backtest score is lower than
// the combination's by a third (the combination's is 1.5 times its own).
// With three backtest windows per item the ranking of models within a few
// percent of each other is mostly noise, and a combination of the best few
// is more accurate on new data than picking one of them (M3, M4 and M5
// found the same); measured on the shared splits and the synthetic set,
// combining unless clearly beaten is as accurate as combining always, and
// still lets one model win where it alone fits the pattern.
const DefaultEnsembleMargin = 0.5

// DefaultEnsemble is the ensemble the runner adds to every tournament: the
// mean of the best three, preferred within DefaultEnsembleMargin.
func DefaultEnsemble() *EnsembleConfig {
	return &EnsembleConfig{TopK: DefaultTopK, Combine: CombineMean, Margin: DefaultEnsembleMargin}
}

// withDefaults returns a validated copy of e with the defaults filled in,
// or nil when e is nil (no ensemble).
func (e *EnsembleConfig) withDefaults() (*EnsembleConfig, error) {
	if e == nil {
		return nil, nil
	}
	out := *e
	out.TopK = cmpOr(out.TopK, DefaultTopK)
	if out.TopK < 2 {
		return nil, fmt.Errorf("tournament: ensemble top-k %d must be at least 2", out.TopK)
	}
	if out.Combine == "" {
		out.Combine = CombineMean
	}
	if !(out.Margin >= 0) || math.IsInf(out.Margin, 1) {
		return nil, fmt.Errorf("tournament: ensemble margin %v must be a finite number not below 0", out.Margin)
	}
	if out.Combine != CombineMedian && out.Combine != CombineMean {
		return nil, fmt.Errorf("tournament: ensemble combine %q must be %q or %q", out.Combine, CombineMedian, CombineMean)
	}
	return &out, nil
}

// of combines vals, reordering them in place.
func (c Combine) of(vals []float64) float64 {
	if c == CombineMean {
		var s float64
		for _, v := range vals {
			s += v
		}
		return s / float64(len(vals))
	}
	slices.Sort(vals)
	n := len(vals)
	if n%2 == 1 {
		return vals[n/2]
	}
	return (vals[n/2-1] + vals[n/2]) / 2
}

// CandidateNames returns the names of the candidates in simplicity order:
// the models, then the ensemble when it is enabled. They head the
// leaderboard's score columns.
func (c Config) CandidateNames() []string {
	out := make([]string, 0, len(c.Models)+1)
	for _, m := range c.Models {
		out = append(out, m.Name())
	}
	if c.Ensemble != nil {
		out = append(out, EnsembleName)
	}
	return out
}
