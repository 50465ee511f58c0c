package arima

import "github.com/forecastrun/forecastrun/runner/models/internal/stl"

// mstlSeasonalWindow is the STL seasonal window forecast's mstl uses for
// the first seasonal period, which seas.heuristic measures.
const mstlSeasonalWindow = 11

// seasonalStrengthThreshold is nsdiffs' cut-off for test = "seas": one
// seasonal difference when the seasonal strength exceeds it.
const seasonalStrengthThreshold = 0.64

// nsdiffs returns 1 when y has a strong seasonal pattern of period m,
// else 0 (auto.arima's max.D is 1).
func nsdiffs(y []float64, m int) int {
	if m < 2 || len(y) <= 2*m || isConstant(y) {
		return 0
	}
	if seasonalStrength(y, m) > seasonalStrengthThreshold {
		return 1
	}
	return 0
}

// seasonalStrength is Wang, Smith & Hyndman's measure
// max(0, 1 − Var(R)/Var(S+R)) of the STL decomposition y = T + S + R, as
// forecast's seas.heuristic on mstl.
func seasonalStrength(y []float64, m int) float64 {
	season, trend := stl.Decompose(y, m, mstlSeasonalWindow)
	r := make([]float64, len(y))
	sr := make([]float64, len(y))
	for t := range y {
		r[t] = y[t] - season[t] - trend[t]
		sr[t] = r[t] + season[t]
	}
	vr, vsr := variance(r), variance(sr)
	if !(vsr > 0) {
		return 0
	}
	return max(0, min(1, 1-vr/vsr))
}

func variance(y []float64) float64 {
	s := sd(y)
	return s * s
}
