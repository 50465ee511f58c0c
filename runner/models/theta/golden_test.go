package theta_test

import (
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/modeltest"
	"github.com/forecastrun/forecastrun/runner/models/theta"
	"gonum.org/v1/gonum/stat"
)

// The goldens are written by hack/goldens/theta.R: values from R forecast
// (version in testdata/SOURCE), thetaf(y, h) on AirPassengers,
// USAccDeaths, WWWusage and m4-hourly, m4-weekly and carparts items.

type golden struct {
	season                    int
	y                         []float64
	alpha, drift, sigma2, mse float64
	fc                        *modeltest.GoldenForecast
}

func loadGoldens(t *testing.T) map[string]*golden {
	out := map[string]*golden{}
	for _, s := range modeltest.ReadGoldenSeries(t, "series.csv") {
		out[s.Name] = &golden{season: s.Season, y: s.Values}
	}
	fcs := modeltest.ReadGoldenForecasts(t, "forecasts.csv", modeltest.BySeries)
	for _, r := range modeltest.ReadGoldenRecords(t, "params.csv") {
		g := modeltest.Entry(t, out, r["series"])
		g.alpha, g.drift = modeltest.GoldenFloat(t, r["alpha"]), modeltest.GoldenFloat(t, r["drift"])
		g.sigma2, g.mse = modeltest.GoldenFloat(t, r["sigma2"]), modeltest.GoldenFloat(t, r["mse"])
		g.fc = modeltest.Entry(t, fcs, r["series"])
	}
	return out
}

// TestAgainstR compares with thetaf. The drift (a regression on the same
// deseasonalised data) must match to 1e-8, which also confirms that the
// seasonality test and decomposition took the same decision. Alpha comes
// from our SES optimiser, which may find a slightly better optimum than
// R's: the in-sample MSE must be no worse than R's by more than 1%, and
// the forecasts and interval bounds must agree within the larger of 3% of
// R's value, 5% of the series' sd, and 10% of R's 95% half-width (the
// justification is in expsmooth's golden test).
func TestAgainstR(t *testing.T) {
	for name, g := range loadGoldens(t) {
		t.Run(name, func(t *testing.T) {
			fit, err := theta.New(g.season).Fit(g.y)
			if err != nil {
				t.Fatal(err)
			}
			tf := fit.(*theta.Fitted)
			if math.Abs(tf.Drift()-g.drift) > 1e-8*math.Max(1, math.Abs(g.drift)) {
				t.Fatalf("drift %.10g, R %.10g", tf.Drift(), g.drift)
			}
			var mse float64
			for i, v := range fit.InSample() {
				mse += (g.y[i] - v) * (g.y[i] - v) / float64(len(g.y))
			}
			t.Logf("alpha %.4f (R %.4f), MSE %.6g (R %.6g)", tf.Alpha(), g.alpha, mse, g.mse)
			if mse > g.mse*1.01 {
				t.Fatalf("in-sample MSE %.6g worse than R's %.6g by more than 1%%", mse, g.mse)
			}
			scale := stat.StdDev(g.y, nil)
			modeltest.CompareGoldenForecast(t, fit, g.fc, func(i int, want float64) float64 {
				return max(0.03*math.Abs(want), 0.05*scale, 0.1*(g.fc.Hi95[i]-g.fc.Mean[i]))
			})
		})
	}
}
