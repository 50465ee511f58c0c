package expsmooth

// Evals exposes to the external tests the number of criterion evaluations
// (filter passes) a fit spent searching the smoothing parameters.
func Evals(f *Fitted) int { return f.evals }

// FilterPassForBenchmark runs the additive seasonal filter once from a
// flat start.
func FilterPassForBenchmark(p Params, period int, y []float64) float64 {
	st := newState(period)
	st.level = y[0]
	return filterAdditive(p, &st, y, nil)
}
