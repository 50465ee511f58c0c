package expsmooth

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Seasonality selects how the seasonal component of Holt-Winters combines
// with level and trend.
type Seasonality int

// Seasonality kinds. The zero value means no seasonal component.
const (
	noSeason Seasonality = iota
	// Additive seasonality adds a seasonal offset: ETS(A,A,A).
	Additive
	// Multiplicative seasonality scales level plus trend by a seasonal
	// factor: ETS(M,A,M), as R's hw(seasonal = "multiplicative").
	Multiplicative
)

// spec is the configuration shared by every member of the family. It is a
// plain value, so a model is immutable and safe across goroutines.
type spec struct {
	name   string
	trend  bool
	damped bool
	season Seasonality
	period int // 1 without a seasonal component
}

// model adapts a spec to models.Model.
type model struct{ spec spec }

// SES is simple exponential smoothing, ETS(A,N,N).
func SES() models.Model { return model{spec{name: "SES", period: 1}} }

// Holt is Holt's linear trend method, ETS(A,A,N).
func Holt() models.Model { return model{spec{name: "Holt", trend: true, period: 1}} }

// DampedHolt is Holt's method with a damped trend, ETS(A,Ad,N).
func DampedHolt() models.Model {
	return model{spec{name: "DampedHolt", trend: true, damped: true, period: 1}}
}

// HoltWinters is the Holt-Winters method with a season of the given length:
// ETS(A,A,A) for Additive and ETS(M,A,M) for Multiplicative seasonality
// (any other value means Additive). Fitting fails with models.ErrTooShort
// when season is below 2 or the series holds fewer than two seasons and a
// few observations. Its cost grows with the season: R's ets refuses
// seasons above 24; here they are allowed, but above 63 the initial states
// stay heuristic.
func HoltWinters(season int, s Seasonality) models.Model {
	name := "HoltWintersAdditive"
	if s == Multiplicative {
		name = "HoltWintersMultiplicative"
	} else {
		s = Additive
	}
	return model{spec{name: name, trend: true, season: s, period: season}}
}

// Name implements models.Model.
func (m model) Name() string { return m.spec.name }

// Fit implements models.Model: it estimates the smoothing parameters and
// the initial states by minimising the in-sample squared one-step errors.
func (m model) Fit(y []float64) (models.Fitted, error) {
	f, err := m.spec.fit(y)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FitSES fits simple exponential smoothing and returns the concrete fitted
// value, whose parameters other methods (Theta) build on.
func FitSES(y []float64) (*Fitted, error) { return model{spec{name: "SES", period: 1}}.spec.fit(y) }

// nSmoothing is the number of smoothing parameters estimated.
func (s spec) nSmoothing() int {
	k := 1
	if s.trend {
		k++
	}
	if s.season != noSeason {
		k++
	}
	if s.damped {
		k++
	}
	return k
}

// nStates is the number of free initial states: level, trend, and all
// seasonal states but one, which the normalisation fixes.
func (s spec) nStates() int {
	k := 1
	if s.trend {
		k++
	}
	if s.season != noSeason {
		k += s.period - 1
	}
	return k
}

// minLength is the shortest history the model fits: R's ets needs more
// than npars+4 observations, and a seasonal model two full seasons.
func (s spec) minLength() int {
	npars := 2
	if s.trend {
		npars += 2
	}
	if s.damped {
		npars++
	}
	need := npars + 5
	if s.season != noSeason {
		need = max(need+s.period, 2*s.period+2)
	}
	return need
}

// check validates y against the model's requirements.
func (s spec) check(y []float64) error {
	if s.season != noSeason && s.period < 2 {
		return fmt.Errorf("%s: season %d must be at least 2: %w", s.name, s.period, models.ErrTooShort)
	}
	if len(y) < s.minLength() {
		return models.TooShort(s.name, len(y), s.minLength())
	}
	for _, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: series holds %v", s.name, v)
		}
		if s.season == Multiplicative && v <= 0 {
			return fmt.Errorf("%s: %w", s.name, models.ErrNonPositive)
		}
	}
	return nil
}
