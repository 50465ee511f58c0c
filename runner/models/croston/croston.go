package croston

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Alpha is the smoothing constant of Classic and SBA for both the demand
// sizes and the inter-demand intervals: R forecast's croston() default and
// the value Croston's literature recommends (0.05-0.2).
const Alpha = 0.1

// method selects how demand occurrence is smoothed and the forecast formed.
type method int

const (
	classic method = iota // SES of the intervals between demands
	sba                   // classic, deflated by 1 - Alpha/2
	tsb                   // SES of the per-period demand probability
)

// Model is one method of the Croston family. The zero value is Classic.
// Build it with Classic, SBA or TSB; it is immutable and safe for
// concurrent use.
type Model struct {
	method    method
	optimised bool
}

// Classic is Croston's (1972) method as R forecast's croston() computes it:
// SES with alpha 0.1 on the non-zero demand sizes and, separately, on the
// intervals between them, each initialised with its first value (the first
// interval counts from the start of the series); the forecast is their
// ratio.
func Classic() Model { return Model{method: classic} }

// SBA is the Syntetos–Boylan approximation: Classic times 1 - Alpha/2, which
// removes most of Croston's upward bias.
func SBA() Model { return Model{method: sba} }

// TSB is the Teunter–Syntetos–Babai (2011) method. Unlike Croston it updates
// every period: the demand probability is smoothed towards 1 when demand
// occurs and towards 0 when it does not, so the forecast decays on items
// that stop selling. Sizes are smoothed at demands only. The forecast is
// probability × size.
//
// Both smoothing constants are chosen per series by minimising the in-sample
// one-step MSE over [MinSmoothing, MaxSmoothing], because the speed at which
// obsolescence should show differs widely between items and no single fixed
// pair suits them all. The fitted value implements models.Refitter, so the
// tournament pays for the search once per item. The starting level is the
// mean non-zero size and the starting probability the share of periods with
// demand, so the first observations do not decide the start (the price is
// that the earliest in-sample values have seen the whole history's means).
func TSB() Model { return Model{method: tsb} }

// Optimized is Classic or SBA with its two smoothing constants, for the
// demand sizes and for the intervals between demands, chosen per series
// in [MinSmoothing, MaxSmoothing], and started at the mean size and mean
// interval, as tsintermittent's crost does by default (Kourentzes 2014).
// The constants minimise the mean absolute rate error: the distance of
// each one-step forecast from the demand per period observed so far (held
// at its value after the first 30% of the history). Squared one-step
// errors, which StatsForecast minimises, chase the last spike on sparse
// data; the rate error asks the smoothed rate to follow the average demand
// a planner stocks for, and Kourentzes found it the more accurate. The
// fixed 0.1 of R's croston() suits few series: a part whose demand moves
// needs faster smoothing, a stable one slower. TSB is optimised already
// and returned unchanged. The fitted value implements models.Refitter,
// which keeps the chosen constants.
func Optimized(m Model) Model {
	if m.method != tsb {
		m.optimised = true
	}
	return m
}

// Name implements models.Model.
func (m Model) Name() string {
	switch m.method {
	case sba:
		return "CrostonSBA"
	case tsb:
		return "TSB"
	default:
		return "CrostonClassic"
	}
}

// Fit implements models.Model. y must be non-negative; an all-zero series
// forecasts zero.
func (m Model) Fit(y []float64) (models.Fitted, error) {
	if err := m.check(y); err != nil {
		return nil, err
	}
	p := params{size: Alpha, occurrence: Alpha}
	switch {
	case m.method == tsb:
		p = optimiseTSB(y)
	case m.optimised:
		p = m.optimiseRate(y)
	}
	return m.fitWith(y, p), nil
}

func (m Model) check(y []float64) error {
	if len(y) < 1 {
		return models.TooShort(m.Name(), len(y), 1)
	}
	for t, v := range y {
		if v < 0 {
			return fmt.Errorf("%s: %w: demand %v at period %d is negative", m.Name(), models.ErrNonPositive, v, t+1)
		}
	}
	return nil
}

// fitWith runs the core once with fixed parameters and keeps the result.
func (m Model) fitWith(y []float64, p params) *fitted {
	f := &fitted{model: m, params: p, inSample: make([]float64, len(y))}
	f.level, _ = m.filter(y, p, f.inSample)
	return f
}
