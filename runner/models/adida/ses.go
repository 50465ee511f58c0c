package adida

// The interval the SES smoothing constant is searched in. On aggregated
// intermittent demand the series is short (a few dozen buckets) and an
// unbounded SSE optimum readily runs to alpha near 1, i.e. a naive forecast
// of the last bucket; 0.1-0.3 is the range the intermittent-demand
// literature recommends for demand smoothing, and StatsForecast's
// ADIDA and IMAPA search the same range.
const (
	MinAlpha = 0.1
	MaxAlpha = 0.3
)

// alphaTolerance is the relative precision of the search; SSE is flat near
// its minimum, so a finer alpha would not change forecasts materially.
const alphaTolerance = 1e-3

// sesSSE returns the sum of squared one-step errors of simple exponential
// smoothing with constant alpha on x, started at x[0] (R's
// initial = "simple"), and the forecast that follows x.
func sesSSE(x []float64, alpha float64) (sse, next float64) {
	next = x[0]
	// Written as (1-alpha)·next + alpha·v rather than next + alpha·error so
	// that the running value waits on one multiply-add per step, not three
	// operations: the search calls this about 17 times per level.
	for _, v := range x[1:] {
		e := v - next
		sse += e * e
		next = (1-alpha)*next + alpha*v
	}
	return sse, next
}

// optimiseAlpha chooses the smoothing constant with the smallest one-step
// SSE on x in [MinAlpha, MaxAlpha]. With fewer than three values there is at
// most one error to fit, so it keeps MinAlpha, the smoothest choice.
func optimiseAlpha(x []float64) float64 {
	if len(x) < 3 {
		return MinAlpha
	}
	sse := func(a float64) float64 {
		s, _ := sesSSE(x, a)
		return s
	}
	return brentMinimise(sse, MinAlpha, MaxAlpha, alphaTolerance)
}
