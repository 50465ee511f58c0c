package ets

import "github.com/forecastrun/forecastrun/runner/models"

// Evals exposes to the external tests the number of filter passes a fit
// spent.
func Evals(f *Fitted) int { return f.evals }

// FilterPassForBenchmark returns a function running one likelihood pass
// of the form s on y from its heuristic starting states.
func FilterPassForBenchmark(s Spec, m int, p Params, y []float64) func() float64 {
	f := newForm(s, m)
	x0 := f.heuristicState(y)
	work := x0.clone()
	return func() float64 {
		work.copyFrom(&x0)
		return f.lik(f.filter(p, &work, y, nil), len(y))
	}
}

// NewAsAuto is New estimating the form as AutoETS does (regularised).
func NewAsAuto(season int, s Spec) models.Model {
	return fixed{spec: s, season: season, regularised: true}
}
