package expsmooth

import (
	"math"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/modeltest"
	"gonum.org/v1/gonum/stat"
)

// The goldens are written by hack/goldens/expsmooth.R (values from R
// forecast, version in testdata/SOURCE): ses(), holt(), holt(damped =
// TRUE), hw(seasonal = "additive") and hw(seasonal = "multiplicative") on
// AirPassengers, USAccDeaths, WWWusage and m4-hourly / m4-weekly items.

type goldenFit struct {
	series, model string
	params        Params
	mse, amse     float64
	sigma2        float64
	init          []float64 // R's initial states: l, b, s1..sm (s1 newest)
}

func loadSeries(t *testing.T) map[string]modeltest.GoldenSeries {
	out := map[string]modeltest.GoldenSeries{}
	for _, s := range modeltest.ReadGoldenSeries(t, "series.csv") {
		out[s.Name] = s
	}
	return out
}

func loadFits(t *testing.T) []goldenFit {
	var out []goldenFit
	for _, r := range modeltest.ReadGoldenRecords(t, "params.csv") {
		g := goldenFit{series: r["series"], model: r["model"], mse: modeltest.GoldenFloat(t, r["mse"]), amse: modeltest.GoldenFloat(t, r["amse"]), sigma2: modeltest.GoldenFloat(t, r["sigma2"])}
		g.params = Params{Alpha: modeltest.GoldenFloat(t, r["alpha"]), Beta: modeltest.GoldenFloat(t, r["beta"]), Gamma: modeltest.GoldenFloat(t, r["gamma"]), Phi: modeltest.GoldenFloat(t, r["phi"])}
		for _, f := range strings.Fields(r["init"]) {
			g.init = append(g.init, modeltest.GoldenFloat(t, f))
		}
		out = append(out, g)
	}
	return out
}

func loadForecasts(t *testing.T) map[[2]string]*modeltest.GoldenForecast {
	return modeltest.ReadGoldenForecasts(t, "forecasts.csv", func(r map[string]string) [2]string {
		return [2]string{r["series"], r["model"]}
	})
}

func specFor(name string, season int) spec {
	var m model
	switch name {
	case "SES":
		m = SES().(model)
	case "Holt":
		m = Holt().(model)
	case "DampedHolt":
		m = DampedHolt().(model)
	case "HoltWintersAdditive":
		m = HoltWinters(season, Additive).(model)
	case "HoltWintersMultiplicative":
		m = HoltWinters(season, Multiplicative).(model)
	}
	return m.spec
}

// rState converts R's initial state vector to ours: R's s_j is the
// seasonal state j steps before the first observation, our phase m-j.
func rState(s spec, init []float64) state {
	st := newState(s.period)
	st.level = init[0]
	i := 1
	if s.trend {
		st.trend = init[1]
		i = 2
	}
	for j := 1; s.season != noSeason && j <= s.period; j++ {
		st.season[(s.period-j)%s.period] = init[i+j-1]
	}
	return st
}

// rParams fills the parameters R reports as NA with their neutral values.
func rParams(p Params) Params {
	if math.IsNaN(p.Beta) {
		p.Beta = 0
	}
	if math.IsNaN(p.Gamma) {
		p.Gamma = 0
	}
	if math.IsNaN(p.Phi) {
		p.Phi = 1
	}
	return p
}

// TestReplayR feeds R's estimated parameters and initial states through our
// filter and forecast code: in-sample MSE (and amse for the seasonal
// models), σ², point forecasts and the 80/95% bounds must reproduce R's to
// 1e-6 relative. This pins the
// recursions, the variance formulas (class 1 and class 3) and the degrees
// of freedom, independently of the optimiser.
func TestReplayR(t *testing.T) {
	series := loadSeries(t)
	fcs := loadForecasts(t)
	for _, g := range loadFits(t) {
		t.Run(g.series+"/"+g.model, func(t *testing.T) {
			y := series[g.series]
			s := specFor(g.model, y.Season)
			fit, err := s.newFitted(rParams(g.params), rState(s, g.init), y.Values)
			if err != nil {
				t.Fatal(err)
			}
			want := fcs[[2]string{g.series, g.model}]
			got, err := fit.Forecast(len(want.Mean), []float64{80, 95})
			if err != nil {
				t.Fatal(err)
			}
			closeRel(t, "mse", fit.sse/float64(len(y.Values)), g.mse, 1e-6)
			closeRel(t, "sigma2", fit.sigma2, g.sigma2, 1e-6)
			if s.season != noSeason {
				st := rState(s, g.init)
				closeRel(t, "amse", s.seasonalAMSE(rParams(g.params), &st, y.Values), g.amse, 1e-6)
			}
			for i := range want.Mean {
				closeRel(t, "mean", got.Mean[i], want.Mean[i], 1e-6)
				closeRel(t, "lo80", got.Intervals[0].Lower[i], want.Lo80[i], 1e-6)
				closeRel(t, "hi95", got.Intervals[1].Upper[i], want.Hi95[i], 1e-6)
			}
		})
	}
}

func closeRel(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol*math.Max(math.Abs(want), 1) {
		t.Fatalf("%s = %.10g, R gives %.10g", what, got, want)
	}
}

// Tolerances of TestAgainstR. R's Nelder–Mead searches smoothing
// parameters and initial states jointly from one start and often stops in
// a poorer optimum; ours may find a better one, which is fine, but never a
// worse one by more than mseMargin: on R's criterion, the one-step MSE,
// and for the seasonal models also on the amse we minimise instead. Where both reach the same optimum
// (in-sample MSE within sameOptimum) the point forecasts must agree within
// the larger of 3% of R's forecast, 5% of the series' sd, and 10% of R's
// 95% interval half-width: near an optimum the criterion is flat, so
// parameters that fit equally well can extrapolate a trend a little
// differently, and a difference small against the forecast's own
// uncertainty is immaterial.
const (
	mseMargin   = 0.01
	sameOptimum = 0.01
)

func TestAgainstR(t *testing.T) {
	series := loadSeries(t)
	fcs := loadForecasts(t)
	for _, g := range loadFits(t) {
		t.Run(g.series+"/"+g.model, func(t *testing.T) {
			y := series[g.series]
			s := specFor(g.model, y.Season)
			fit, err := s.fit(y.Values)
			if err != nil {
				t.Fatal(err)
			}
			mse := fit.sse / float64(len(y.Values))
			t.Logf("in-sample MSE %.6g, R %.6g (ratio %.4f), %d evaluations, %+v", mse, g.mse, mse/g.mse, fit.evals, fit.params)
			if mse > g.mse*(1+mseMargin) {
				t.Fatalf("in-sample MSE %.6g is worse than R's %.6g by more than %v%%", mse, g.mse, 100*mseMargin)
			}
			if s.season != noSeason {
				st := fit.initial.clone()
				amse := s.seasonalAMSE(fit.params, &st, y.Values)
				t.Logf("amse %.6g, R %.6g", amse, g.amse)
				if amse > g.amse*(1+mseMargin) {
					t.Fatalf("amse %.6g is worse than R's %.6g by more than %v%%", amse, g.amse, 100*mseMargin)
				}
			}
			if mse < g.mse*(1-sameOptimum) {
				return // a better optimum than R's: forecasts legitimately differ
			}
			want := fcs[[2]string{g.series, g.model}]
			got, err := fit.Forecast(len(want.Mean), []float64{80, 95})
			if err != nil {
				t.Fatal(err)
			}
			scale := stat.StdDev(y.Values, nil)
			for i, w := range want.Mean {
				tol := max(0.03*math.Abs(w), 0.05*scale, 0.1*(want.Hi95[i]-w))
				if math.Abs(got.Mean[i]-w) > tol {
					t.Errorf("step %d: forecast %.6g, R %.6g (tolerance %.3g)", i+1, got.Mean[i], w, tol)
				}
			}
		})
	}
}
