package ets

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
)

// maxSeason is the longest season R's ets models: above it Auto ignores
// the seasonality and New refuses seasonal forms.
const maxSeason = 24

// fixed is one ETS form, estimated by maximum likelihood, or, when
// regularised, as AutoETS estimates its forms (see fitter.screen).
type fixed struct {
	spec        Spec
	season      int
	regularised bool
}

// New returns the model of one ETS form with the given season length
// (ignored by non-seasonal forms). Fitting fails with models.ErrTooShort
// when the series is too short for the form, with models.ErrNonPositive
// when a multiplicative form meets data that are not strictly positive, and
// refuses seasonal forms unless 2 ≤ season ≤ 24, as R's ets.
func New(season int, s Spec) models.Model { return fixed{spec: s, season: season} }

// Name implements models.Model: the form in R's notation.
func (m fixed) Name() string { return m.spec.String() }

// Fit implements models.Model.
func (m fixed) Fit(y []float64) (models.Fitted, error) {
	f, err := m.fitETS(y)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// fitETS is Fit returning the concrete type.
func (m fixed) fitETS(y []float64) (*Fitted, error) {
	if !m.spec.valid() {
		return nil, fmt.Errorf("ets: invalid form %+v", m.spec)
	}
	if m.spec.seasonal() && (m.season < 2 || m.season > maxSeason) {
		return nil, fmt.Errorf("%s: season %d outside 2..%d", m.spec, m.season, maxSeason)
	}
	f := newForm(m.spec, m.season)
	if err := checkForm(f, y); err != nil {
		return nil, err
	}
	ft := newFitter(f, y, &jacobian{}, m.regularised)
	if !isConstant(y) {
		ft.screen()
		ft.polish()
	}
	fit, err := ft.result()
	if err != nil {
		return nil, err
	}
	fit.origin = m
	return fit, nil
}

// result builds the Fitted value of the fitter's estimate.
func (ft *fitter) result() (*Fitted, error) {
	fit, err := newFitted(ft.f, ft.params(ft.u), &ft.x0, ft.y)
	if err != nil {
		return nil, err
	}
	fit.evals = ft.evals
	return fit, nil
}

// checkForm validates y's length and values for the form.
func checkForm(f form, y []float64) error {
	if len(y) < f.minLength() {
		return models.TooShort(f.String(), len(y), f.minLength())
	}
	return checkValues(f, y)
}

func checkValues(f form, y []float64) error {
	for _, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: series holds %v", f, v)
		}
		if f.needsPositive() && v <= 0 {
			return fmt.Errorf("%s: %w", f, models.ErrNonPositive)
		}
	}
	return nil
}

func isConstant(y []float64) bool {
	for _, v := range y {
		if v != y[0] {
			return false
		}
	}
	return true
}
