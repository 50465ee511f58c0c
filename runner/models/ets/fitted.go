package ets

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Fitted is an ETS form estimated on one history. It implements
// models.Fitted and models.Refitter.
type Fitted struct {
	form     form
	params   Params
	initial  state // states before the first observation
	final    state // states after the last observation
	n        int
	inSample []float64
	lik      float64      // R's -2·log-likelihood without its constant
	sigma2   float64      // variance of the error term (relative for M error)
	evals    int          // filter passes the estimation spent
	origin   models.Model // the model that fitted this, for Refit's fallback
}

// newFitted filters y with the estimated values and derives R's
// statistics: sigma2 is the sum of squared errors over n minus the number
// of estimated smoothing parameters and initial states.
func newFitted(f form, p Params, initial *state, y []float64) (*Fitted, error) {
	fit := &Fitted{form: f, params: p, initial: initial.clone(), final: initial.clone(),
		n: len(y), inSample: make([]float64, len(y))}
	ps := f.filter(p, &fit.final, y, fit.inSample)
	fit.lik = f.lik(ps, len(y))
	if ps.sse == 0 && ps.ok {
		fit.lik = math.Inf(-1) // an exact fit: a constant series
	}
	if math.IsInf(fit.lik, 1) {
		return nil, fmt.Errorf("%s: %w", f, models.ErrNotConverged)
	}
	fit.sigma2 = ps.sse / float64(max(len(y)-f.nSmoothing()-f.nStates(), 1))
	return fit, nil
}

// Form returns the fitted form in R's notation, such as "ETS(M,Ad,M)".
func (f *Fitted) Form() string { return f.form.String() }

// Spec returns the fitted form.
func (f *Fitted) Spec() Spec { return f.form.Spec }

// Params returns the estimated smoothing parameters.
func (f *Fitted) Params() Params { return f.params }

// Sigma2 returns the estimated variance of the error term: of y-ŷ for
// additive error, of (y-ŷ)/ŷ for multiplicative error.
func (f *Fitted) Sigma2() float64 { return f.sigma2 }

// Lik returns R's -2·log-likelihood without its constant, n·log(SSE)
// (+ 2·Σlog|ŷ| for multiplicative error): what R's ets calls lik.
func (f *Fitted) Lik() float64 { return f.lik }

// AIC returns Akaike's criterion on Lik, as R's ets.
func (f *Fitted) AIC() float64 { return f.lik + 2*float64(f.form.nParams()) }

// AICc returns the small-sample corrected AIC, the criterion Auto selects
// the form by.
func (f *Fitted) AICc() float64 {
	k := float64(f.form.nParams())
	return f.AIC() + 2*k*(k+1)/float64(f.n-f.form.nParams()-1)
}

// InitialStates returns the estimated states before the first
// observation in R's order: level, trend (if any), then the seasonal states
// s1..sm, s1 being the newest (the season of the time just before the
// first observation).
func (f *Fitted) InitialStates() []float64 {
	out := []float64{f.initial.level}
	if f.form.trend() {
		out = append(out, f.initial.trend)
	}
	m := f.form.m
	for j := range len(f.initial.season) {
		out = append(out, f.initial.season[(m-1-j+m)%m])
	}
	return out
}

// InSample implements models.Fitted: the one-step forecasts.
func (f *Fitted) InSample() []float64 { return f.inSample }

// Refit implements models.Refitter for the tournament's later backtest
// windows, whose histories extend the first window's from the same start:
// it keeps the form, the smoothing parameters and the estimated initial
// states and runs the filter once over y (one pass, no search; sigma2 is
// re-estimated from the new errors). On a history with a different start
// the initial states would not belong to it: fit afresh instead. When y no
// longer suits the form (a zero under a multiplicative form, or forecasts
// leaving the positive range), Refit falls back to a full fit by the model
// that produced f, so AutoETS then chooses among the forms that still fit.
func (f *Fitted) Refit(y []float64) (models.Fitted, error) {
	if len(y) < f.form.minLength() {
		return nil, models.TooShort(f.form.String(), len(y), f.form.minLength())
	}
	err := checkValues(f.form, y)
	if err == nil {
		var g *Fitted
		if g, err = newFitted(f.form, f.params, &f.initial, y); err == nil {
			g.origin = f.origin
			return g, nil
		}
	}
	if f.origin == nil {
		return nil, err
	}
	return f.origin.Fit(y)
}

// Reestimate implements models.Reestimator: the same form, its parameters
// and initial states estimated afresh on y, as the model that chose it
// estimates them (regularised for AutoETS's forms).
func (f *Fitted) Reestimate(y []float64) (models.Fitted, error) {
	_, auto := f.origin.(auto)
	m := fixed{spec: f.form.Spec, season: f.form.m, regularised: auto}
	if fx, ok := f.origin.(fixed); ok {
		m.regularised = fx.regularised
	}
	fit, err := m.fitETS(y)
	if err != nil {
		return nil, err
	}
	fit.origin = f.origin
	return fit, nil
}
