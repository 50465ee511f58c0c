package tournament

import (
	"fmt"
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
	// CombineMedian takes the median per step: robust to one member far
	// off, which is common when a poor model ranks third by chance.
	CombineMedian Combine = "median"
	// CombineMean takes the mean per step.
	CombineMean Combine = "mean"
)

// EnsembleConfig adds an "Ensemble" candidate to every item's tournament.
// Its forecast combines the TopK individual models ranked best by backtest
// score; it is backtested, scored and ranked like any model, after all of
// them in simplicity order, so it wins only by a strictly better score.
// Its backtest reuses the models' backtest forecasts, and each window's
// members are chosen by the other windows' scores only, so that its score
// is not flattered by selecting on the data it is scored on; with a single
// backtest window that is impossible, the window ranks itself, and the
// ensemble's score is optimistic.
type EnsembleConfig struct {
	// TopK is how many of the best-ranked models are combined (default 3,
	// at least 2). An item where fewer models backtested combines those
	// that did, and gets no ensemble when fewer than 2 did.
	TopK int
	// Combine is CombineMedian (default) or CombineMean.
	Combine Combine
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
		out.Combine = CombineMedian
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
