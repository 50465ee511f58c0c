package arima

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models"
)

// Model is a seasonal ARIMA model of fixed orders, estimated as R's
// Arima(y, order, seasonal, include.constant) with method "CSS-ML". It is
// immutable and safe across goroutines.
type Model struct{ spec spec }

// New returns the ARIMA(order)(seasonal)[season] model. The seasonal part
// is ignored when season < 2. includeConstant adds a mean when there is
// no differencing and a drift when there is one difference; with more
// differences there is no constant, as in R.
func New(order Order, seasonal Seasonal, season int, includeConstant bool) Model {
	if season < 2 {
		season, seasonal = 1, Seasonal{}
	}
	return Model{spec: spec{order: order, seasonal: seasonal, season: season, constant: includeConstant}}
}

// Name implements models.Model: the orders as R prints them.
func (m Model) Name() string { return m.spec.String() }

// Fit implements models.Model.
func (m Model) Fit(y []float64) (models.Fitted, error) { return m.fitFrom(y, nil) }

// fitFrom is Fit with the exact likelihood maximised from the
// coefficients start instead of from a CSS fit, when start is given (of
// the model's length) and its AR part is stationary; from the CSS fit
// otherwise.
func (m Model) fitFrom(y, start []float64) (models.Fitted, error) {
	s := m.spec
	if need := s.lostToDifferencing() + s.order.P + s.seasonal.P*s.season + s.numCoef() + 3; len(y) < need {
		return nil, models.TooShort(m.Name(), len(y), need)
	}
	w := difference(y, s.order.D, s.seasonal.D, s.season)
	if isConstant(w) {
		return newFitted(s, constantCoef(s, w), y, w)
	}
	if start != nil && len(start) == s.numCoef() {
		if e, _ := maximizeML(y, w, s, faithful(len(y)), start, false); e.ok {
			return newFitted(s, e.coef, y, w)
		}
	}
	e := fitML(y, w, s, faithful(len(y)))
	if !e.ok {
		// R stops here ("non-stationary AR part from CSS"); a fixed-order
		// model starts the exact fit from zero coefficients instead.
		coef, ok := newMLProblem(s, y, w, faithful(len(y))).maximize(constantCoef(s, w))
		if !ok {
			return nil, fmt.Errorf("arima: fitting %s: %w", s, models.ErrNotConverged)
		}
		return newFitted(s, coef, y, w)
	}
	return newFitted(s, e.coef, y, w)
}

// constantCoef returns zero ARMA coefficients and the mean of w as the
// constant, when the model has one.
func constantCoef(s spec, w []float64) []float64 {
	coef := make([]float64, s.numCoef())
	if s.hasConstant() {
		coef[len(coef)-1] = mean(w)
	}
	return coef
}
