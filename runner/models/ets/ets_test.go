package ets_test

import (
	"errors"
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/ets"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

func spec(t *testing.T, form string) ets.Spec {
	t.Helper()
	s, err := ets.ParseSpec(form)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	ms := []models.Model{ets.Auto(12), ets.Auto(1)}
	for _, form := range []string{"ANN", "AAdN", "MAN", "AAA", "MNA", "MAdM", "AAdM"} {
		ms = append(ms, ets.New(12, spec(t, form)))
	}
	for _, m := range ms {
		t.Run(m.Name(), func(t *testing.T) { modeltest.Run(t, m) })
	}
}

func TestParseSpec(t *testing.T) {
	cases := []struct {
		in   string
		want ets.Spec
		ok   bool
	}{
		{"ETS(M,Ad,M)", ets.Spec{Error: ets.Multiplicative, Trend: ets.Damped, Season: ets.Multiplicative}, true},
		{"ANN", ets.Spec{Error: ets.Additive}, true},
		{"AAdA", ets.Spec{Error: ets.Additive, Trend: ets.Damped, Season: ets.Additive}, true},
		{"ETS(A,A,N)", ets.Spec{Error: ets.Additive, Trend: ets.Additive}, true},
		{"NNN", ets.Spec{}, false},
		{"AMN", ets.Spec{}, false},
		{"AANX", ets.Spec{}, false},
	}
	for _, c := range cases {
		got, err := ets.ParseSpec(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseSpec(%q) = %+v, %v; want %+v (ok %v)", c.in, got, err, c.want, c.ok)
		}
		if back, err := ets.ParseSpec(got.String()); c.ok && (err != nil || back != got) {
			t.Errorf("ParseSpec(%q) = %+v, %v", got.String(), back, err)
		}
	}
}

func TestTooShort(t *testing.T) {
	y := seasonalSeries(12)(30)
	cases := []struct {
		name string
		m    models.Model
		n    int
	}{
		{"Auto on 5 points", ets.Auto(12), 5},
		{"ANN on 6 points", ets.New(1, spec(t, "ANN")), 6},
		{"AAdA on 20 monthly points", ets.New(12, spec(t, "AAdA")), 20},
		{"MAM on 20 monthly points", ets.New(12, spec(t, "MAM")), 20},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.m.Fit(y[:c.n]); !errors.Is(err, models.ErrTooShort) {
				t.Errorf("Fit on %d points: error %v, want ErrTooShort", c.n, err)
			}
		})
	}
}

// TestShortSeriesDropsForms: 20 monthly points are too few for every
// seasonal form, so Auto falls back to the non-seasonal ones.
func TestShortSeriesDropsForms(t *testing.T) {
	fit, err := ets.Auto(12).Fit(seasonalSeries(12)(20))
	if err != nil {
		t.Fatal(err)
	}
	if s := fit.(*ets.Fitted).Spec(); s.Season != ets.None {
		t.Errorf("chose %v on 20 monthly points", s)
	}
}

func TestNonPositiveData(t *testing.T) {
	y := seasonalSeries(12)(96)
	y[40] = 0
	for _, form := range []string{"MNN", "MAdA", "AAdM", "MNM"} {
		if _, err := ets.New(12, spec(t, form)).Fit(y); !errors.Is(err, models.ErrNonPositive) {
			t.Errorf("%s on data with a zero: error %v, want ErrNonPositive", form, err)
		}
	}
	fit, err := ets.Auto(12).Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	s := fit.(*ets.Fitted).Spec()
	if s.Error != ets.Additive || s.Season == ets.Multiplicative {
		t.Errorf("Auto chose %v on data with a zero", s)
	}
}

func TestConstantSeries(t *testing.T) {
	y := make([]float64, 50)
	for i := range y {
		y[i] = 3
	}
	for _, m := range []models.Model{ets.Auto(7), ets.New(7, spec(t, "MAdM")), ets.New(7, spec(t, "AAA"))} {
		fit, err := m.Fit(y)
		if err != nil {
			t.Fatalf("%s: %v", m.Name(), err)
		}
		fc, err := fit.Forecast(10, []float64{95})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range fc.Mean {
			if math.Abs(v-3) > 1e-9 || math.Abs(fc.Intervals[0].Upper[i]-3) > 1e-9 {
				t.Fatalf("%s step %d: mean %v, upper %v; want 3", m.Name(), i+1, v, fc.Intervals[0].Upper[i])
			}
		}
	}
}

// TestSeasonAbove24IsIgnored: R's ets models no season longer than 24, so
// weekly data with a season of 52 get a non-seasonal form.
func TestSeasonAbove24IsIgnored(t *testing.T) {
	fit, err := ets.Auto(52).Fit(seasonalSeries(52)(300))
	if err != nil {
		t.Fatal(err)
	}
	if s := fit.(*ets.Fitted).Spec(); s.Season != ets.None {
		t.Errorf("chose %v with season 52", s)
	}
	if _, err := ets.New(52, spec(t, "AAA")).Fit(seasonalSeries(52)(300)); err == nil {
		t.Errorf("ETS(A,A,A) with season 52 fitted")
	}
}

// TestRefitKeepsParameters: a refit on a longer history keeps the form and
// the smoothing parameters and continues the filter from the same initial
// states, so on the original history it reproduces the fit exactly.
func TestRefitKeepsParameters(t *testing.T) {
	y := seasonalSeries(7)(400)
	fit, err := ets.Auto(7).Fit(y[:300])
	if err != nil {
		t.Fatal(err)
	}
	f := fit.(*ets.Fitted)
	same, err := f.Refit(y[:300])
	if err != nil {
		t.Fatal(err)
	}
	if g := same.(*ets.Fitted); g.Lik() != f.Lik() || g.Params() != f.Params() {
		t.Errorf("refit on the same data: lik %v params %+v, fit %v %+v", g.Lik(), g.Params(), f.Lik(), f.Params())
	}
	longer, err := f.Refit(y)
	if err != nil {
		t.Fatal(err)
	}
	g := longer.(*ets.Fitted)
	if g.Form() != f.Form() || g.Params() != f.Params() || len(g.InSample()) != len(y) {
		t.Errorf("refit changed the form or parameters: %s %+v", g.Form(), g.Params())
	}
	for i, v := range f.InSample() {
		if g.InSample()[i] != v {
			t.Fatalf("refit in-sample step %d: %v, fit %v", i, g.InSample()[i], v)
		}
	}
}

// TestSimulatedIntervalsAreDeterministic covers ETS(A,·,M), whose
// intervals are simulated.
func TestSimulatedIntervalsAreDeterministic(t *testing.T) {
	y := seasonalSeries(12)(120)
	fit, err := ets.New(12, spec(t, "AAM")).Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := fit.Forecast(12, []float64{80, 95})
	b, _ := fit.Forecast(12, []float64{80, 95})
	for i := range a.Mean {
		if a.Intervals[1].Lower[i] != b.Intervals[1].Lower[i] {
			t.Fatalf("step %d: simulated bounds differ between calls", i+1)
		}
		if !(a.Intervals[1].Upper[i] > a.Intervals[0].Upper[i]) {
			t.Fatalf("step %d: 95%% bound %v not above 80%% bound %v", i+1, a.Intervals[1].Upper[i], a.Intervals[0].Upper[i])
		}
	}
}

// TestRefitFallsBackWhenTheFormNoLongerFits: a zero in the new data rules
// out the multiplicative form chosen on the first window, so the refit
// selects again among the forms that still fit.
func TestRefitFallsBackWhenTheFormNoLongerFits(t *testing.T) {
	y := seasonalSeries(12)(120)
	fit, err := ets.Auto(12).Fit(y[:100])
	if err != nil {
		t.Fatal(err)
	}
	if fit.(*ets.Fitted).Spec().Error != ets.Multiplicative {
		t.Fatalf("chose %s; the test needs a multiplicative form", fit.(*ets.Fitted).Form())
	}
	y[110] = 0
	again, err := fit.(models.Refitter).Refit(y)
	if err != nil {
		t.Fatal(err)
	}
	if s := again.(*ets.Fitted).Spec(); s.Error != ets.Additive || s.Season == ets.Multiplicative {
		t.Errorf("refit on data with a zero kept %v", s)
	}
}

// TestFourierStartOnShortSeasonalSeries: under three seasons the seasonal
// starting states come from a trend and Fourier regression, as in R.
func TestFourierStartOnShortSeasonalSeries(t *testing.T) {
	y := seasonalSeries(12)(30)
	for _, form := range []string{"AAA", "MNM"} {
		fit, err := ets.New(12, spec(t, form)).Fit(y)
		if err != nil {
			t.Fatalf("%s: %v", form, err)
		}
		fc, err := fit.Forecast(12, []float64{80})
		if err != nil || math.IsNaN(fc.Mean[0]) {
			t.Fatalf("%s: forecast %v, %v", form, fc.Mean, err)
		}
	}
}

// TestAwkwardSeries: whatever the data, Auto returns finite forecasts
// with ordered intervals or one of the models errors.
func TestAwkwardSeries(t *testing.T) {
	base := seasonalSeries(7)(120)
	mk := func(f func(i int, v float64) float64) []float64 {
		y := make([]float64, len(base))
		for i, v := range base {
			y[i] = f(i, v)
		}
		return y
	}
	cases := map[string][]float64{
		"negative":     mk(func(_ int, v float64) float64 { return v - 150 }),
		"huge":         mk(func(_ int, v float64) float64 { return v * 1e12 }),
		"tiny":         mk(func(_ int, v float64) float64 { return v * 1e-12 }),
		"one spike":    mk(func(i int, _ float64) float64 { return pick(i == 60, 500, 5) }),
		"step":         mk(func(i int, _ float64) float64 { return pick(i > 80, 100, 1) }),
		"alternating":  mk(func(i int, _ float64) float64 { return float64(1 + i%2) }),
		"sparse ones":  mk(func(i int, _ float64) float64 { return pick(i%17 == 0, 1, 0) }),
		"exponential":  mk(func(i int, _ float64) float64 { return math.Exp(float64(i) / 10) }),
		"seven points": base[:7],
	}
	for name, y := range cases {
		t.Run(name, func(t *testing.T) {
			fit, err := ets.Auto(7).Fit(y)
			if err != nil {
				if !errors.Is(err, models.ErrTooShort) && !errors.Is(err, models.ErrNotConverged) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			fc, err := fit.Forecast(14, []float64{80, 95})
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range fc.Mean {
				lo, hi := fc.Intervals[1].Lower[i], fc.Intervals[1].Upper[i]
				if math.IsNaN(v) || math.IsInf(v, 0) || !(lo <= v && v <= hi) {
					t.Fatalf("%s step %d: %v in [%v, %v]", fit.(*ets.Fitted).Form(), i+1, v, lo, hi)
				}
			}
		})
	}
}

func pick(cond bool, yes, no float64) float64 {
	if cond {
		return yes
	}
	return no
}

// TestAutoEvalsBudget guards the speed of the search independently of the
// machine: Auto on two years of daily data spends a bounded number of
// filter passes (1079 when written).
func TestAutoEvalsBudget(t *testing.T) {
	fit, err := ets.Auto(7).Fit(seasonalSeries(7)(730))
	if err != nil {
		t.Fatal(err)
	}
	if n := ets.Evals(fit.(*ets.Fitted)); n > 1500 {
		t.Errorf("Auto spent %d filter passes, want at most 1500", n)
	}
}
