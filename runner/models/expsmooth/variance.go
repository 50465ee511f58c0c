package expsmooth

import (
	"math"

	"github.com/forecastrun/forecastrun/runner/models/internal/etsmoments"
)

func sqrtNonNeg(v float64) float64 { return math.Sqrt(math.Max(v, 0)) }

// atOrigin describes the fitted model at its forecast origin for the moment
// formulas that expsmooth shares with ets. Every member is an ETS form:
// additive error except the multiplicative Holt-Winters, ETS(M,A,M).
func (f *Fitted) atOrigin() *etsmoments.Origin {
	season := etsmoments.NoSeason
	switch f.spec.season {
	case Additive:
		season = etsmoments.Additive
	case Multiplicative:
		season = etsmoments.Multiplicative
	}
	return &etsmoments.Origin{Params: etsmoments.Params(f.params), Trend: f.spec.trend, Season: season,
		M: f.spec.period, N: f.n, Level: f.final.level, Slope: f.final.trend, Seasonal: f.final.season, Sigma2: f.sigma2}
}
