package ets

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/forecastrun/forecastrun/runner/models"
)

// auto selects the ETS form by AICc.
type auto struct{ season int }

// Auto returns AutoETS: the ETS form with the smallest AICc among R's ets
// default candidates (restrict = TRUE, no multiplicative trend): error A
// or M, trend N, A or Ad, season N, A or M, without ETS(A,·,M), without
// multiplicative forms unless the data are strictly positive, without
// seasonal forms unless 2 ≤ season ≤ 24 (weekly data with season 52 are
// modelled without season, as R's ets does; MSTL models their year), and
// without the forms the series is too short for. A constant series gets
// ETS(A,N,N). Each form is estimated as R's ets in effect estimates it,
// not to the joint optimum of its states and parameters (see
// fitter.screen): that optimum has a better AICc than R's fit but, on
// short trending series, forecasts worse. On two years of daily data
// (season 7) a fit takes about 1100 filter passes, a few milliseconds;
// R's ets takes about a second.
func Auto(season int) models.Model { return auto{season: season} }

// Name implements models.Model.
func (auto) Name() string { return "AutoETS" }

// Fit implements models.Model.
func (a auto) Fit(y []float64) (models.Fitted, error) {
	f, err := a.fitETS(y)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Selection settings. Every candidate gets a coarse screening fit; those
// within polishWindow AICc units of the best (at most polishMax) are then
// estimated fully. This pruning is where the selection saves most of its
// time, and where it can part from a full estimate of every form: a form
// that screens more than polishWindow behind rarely overtakes (on the
// goldens, none did; the forms that differ from R's differ for other
// reasons, see golden_test.go).
const (
	polishWindow = 8
	polishMax    = 4
)

// fitETS is Fit returning the concrete type.
func (a auto) fitETS(y []float64) (*Fitted, error) {
	forms := a.candidates(y)
	if len(forms) == 0 {
		need := newForm(Spec{Error: Additive}, 1).minLength()
		return nil, models.TooShort("AutoETS", len(y), need)
	}
	if isConstant(y) {
		fit, err := fixed{spec: Spec{Error: Additive}}.fitETS(y)
		if err == nil {
			fit.origin = a
		}
		return fit, err
	}
	fits := screenAll(forms, y)
	if len(fits) == 0 {
		return nil, fmt.Errorf("AutoETS: %w", models.ErrNotConverged)
	}
	fit, err := polishLeaders(fits).result()
	if err != nil {
		return nil, err
	}
	fit.evals = 0
	for _, ft := range fits {
		fit.evals += ft.evals
	}
	fit.origin = a
	return fit, nil
}

// screenAll gives every form its screening fit and returns those that
// found an admissible likelihood, best AICc first.
func screenAll(forms []form, y []float64) []*fitter {
	fits := make([]*fitter, 0, len(forms))
	jac := &jacobian{}
	for _, f := range forms {
		ft := newFitter(f, y, jac, true)
		ft.screen()
		if !math.IsInf(ft.lik, 1) {
			fits = append(fits, ft)
		}
	}
	slices.SortStableFunc(fits, func(a, b *fitter) int { return cmp.Compare(a.aicc(), b.aicc()) })
	return fits
}

// polishLeaders fully estimates the forms that screened within
// polishWindow of the best (at most polishMax) and returns the best.
func polishLeaders(fits []*fitter) *fitter {
	best := fits[0]
	cutoff := best.aicc() + polishWindow
	for _, ft := range fits[:min(polishMax, len(fits))] {
		if ft.aicc() > cutoff {
			break
		}
		ft.polish()
		if ft.aicc() < best.aicc() {
			best = ft
		}
	}
	return best
}

// aicc is the fitter's current AICc.
func (ft *fitter) aicc() float64 {
	k, n := float64(ft.f.nParams()), float64(len(ft.y))
	return ft.lik + 2*k + 2*k*(k+1)/(n-k-1)
}

// candidates lists the forms R's ets would try on y.
func (a auto) candidates(y []float64) []form {
	positive := true
	for _, v := range y {
		positive = positive && v > 0
	}
	seasons := []Component{None}
	if a.season >= 2 && a.season <= maxSeason {
		seasons = append(seasons, Additive, Multiplicative)
	}
	var out []form
	for _, e := range []Component{Additive, Multiplicative} {
		for _, t := range []Component{None, Additive, Damped} {
			for _, s := range seasons {
				f := newForm(Spec{Error: e, Trend: t, Season: s}, a.season)
				restricted := e == Additive && s == Multiplicative
				if restricted || (f.needsPositive() && !positive) || len(y) < f.minLength() {
					continue
				}
				out = append(out, f)
			}
		}
	}
	return out
}
