package models

import (
	"errors"
	"fmt"
)

// Model is an immutable model configuration. It is safe for concurrent use:
// fitting never changes the Model, it returns a new Fitted value.
type Model interface {
	// Name is the model's stable identifier, used in leaderboards and specs
	// (for example "SES" or "CrostonSBA").
	Name() string
	// Fit estimates the model on y, oldest observation first. y holds no NaN:
	// the caller imputes missing observations before fitting.
	Fit(y []float64) (Fitted, error)
}

// Fitted is a model estimated on one history.
type Fitted interface {
	// Forecast returns h point forecasts and, for each level in levels
	// (percentages such as 80 or 95), a prediction interval. Models without
	// a distributional form return no intervals; the tournament then derives
	// conformal intervals from backtest errors.
	Forecast(h int, levels []float64) (Forecast, error)
	// InSample returns the one-step-ahead fitted values, len(y) long; NaN
	// where the model has no fitted value (for example the first season of a
	// seasonal naive model).
	InSample() []float64
}

// Forecast is the output of Fitted.Forecast.
type Forecast struct {
	Mean      []float64
	Intervals []Interval
}

// Interval is a central prediction interval at one level.
type Interval struct {
	Level        float64 // percent, in (0, 100)
	Lower, Upper []float64
}

// HasIntervals reports whether the model supplied prediction intervals.
func (f Forecast) HasIntervals() bool { return len(f.Intervals) > 0 }

// Errors a model returns when it cannot fit a series. The tournament skips the
// model for that item and goes on with the others.
var (
	ErrTooShort     = errors.New("series too short for model")
	ErrNonPositive  = errors.New("model needs strictly positive data")
	ErrNotConverged = errors.New("parameter optimisation failed")
	ErrBadHorizon   = errors.New("forecast horizon must be at least 1")
)

// TooShort wraps ErrTooShort with the lengths involved.
func TooShort(model string, have, need int) error {
	return fmt.Errorf("%s: %w: have %d observations, need at least %d", model, ErrTooShort, have, need)
}

// Refitter is optionally implemented by a Fitted model whose estimated
// parameters can be applied to another history of the same item without
// optimising again. The tournament estimates parameters once on the first
// backtest window's training data and refits them on the later windows,
// which keeps backtests cheap without letting test data leak into the
// parameters.
type Refitter interface {
	Refit(y []float64) (Fitted, error)
}

// Reestimator is optionally implemented by a Fitted model whose form was
// chosen by a search, such as AutoETS's error, trend and season or
// AutoARIMA's orders. Reestimate fits that same form to another history,
// estimating its parameters afresh without searching again. The tournament
// searches once per item, on the first backtest window, and reestimates
// the chosen form for the final forecast on the whole history (and on the
// later windows when the fit is not also a Refitter): the form the
// backtest scored is the one that forecasts.
type Reestimator interface {
	Reestimate(y []float64) (Fitted, error)
}
