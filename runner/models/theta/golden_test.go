package theta_test

import (
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/modeltest"
	"github.com/forecastrun/forecastrun/runner/models/theta"
)

// The goldens are written by hack/goldens/theta.R: values from R forecast
// (version in testdata/SOURCE), thetaf(y, h) on AirPassengers,
// USAccDeaths, WWWusage and m4-hourly, m4-weekly and carparts items.

type golden struct {
	season                       int
	y                            []float64
	alpha, drift, sigma2, mse    float64
	mean, lo80, hi80, lo95, hi95 []float64
}

func loadGoldens(t *testing.T) map[string]*golden {
	out := map[string]*golden{}
	get := func(name string) *golden {
		if out[name] == nil {
			out[name] = &golden{}
		}
		return out[name]
	}
	for _, r := range modeltest.ReadGoldenRecords(t, "series.csv") {
		g := get(r["series"])
		g.season = int(modeltest.GoldenFloat(t, r["season"]))
		g.y = append(g.y, modeltest.GoldenFloat(t, r["value"]))
	}
	for _, r := range modeltest.ReadGoldenRecords(t, "params.csv") {
		g := get(r["series"])
		g.alpha, g.drift, g.sigma2, g.mse = modeltest.GoldenFloat(t, r["alpha"]), modeltest.GoldenFloat(t, r["drift"]), modeltest.GoldenFloat(t, r["sigma2"]), modeltest.GoldenFloat(t, r["mse"])
	}
	for _, r := range modeltest.ReadGoldenRecords(t, "forecasts.csv") {
		g := get(r["series"])
		g.mean = append(g.mean, modeltest.GoldenFloat(t, r["mean"]))
		g.lo80 = append(g.lo80, modeltest.GoldenFloat(t, r["lo80"]))
		g.hi80 = append(g.hi80, modeltest.GoldenFloat(t, r["hi80"]))
		g.lo95 = append(g.lo95, modeltest.GoldenFloat(t, r["lo95"]))
		g.hi95 = append(g.hi95, modeltest.GoldenFloat(t, r["hi95"]))
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
			fc, err := fit.Forecast(len(g.mean), []float64{80, 95})
			if err != nil {
				t.Fatal(err)
			}
			scale := sd(g.y)
			check := func(what string, got, want []float64) {
				for i := range want {
					tol := max(0.03*math.Abs(want[i]), 0.05*scale, 0.1*(g.hi95[i]-g.mean[i]))
					if math.Abs(got[i]-want[i]) > tol {
						t.Errorf("%s step %d: %.6g, R %.6g (tolerance %.3g)", what, i+1, got[i], want[i], tol)
					}
				}
			}
			check("mean", fc.Mean, g.mean)
			check("lo80", fc.Intervals[0].Lower, g.lo80)
			check("hi80", fc.Intervals[0].Upper, g.hi80)
			check("lo95", fc.Intervals[1].Lower, g.lo95)
			check("hi95", fc.Intervals[1].Upper, g.hi95)
		})
	}
}

func sd(y []float64) float64 {
	var mean, ss float64
	for _, v := range y {
		mean += v / float64(len(y))
	}
	for _, v := range y {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt(ss / float64(len(y)-1))
}
