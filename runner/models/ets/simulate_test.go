package ets

import (
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

// TestSimulatedIntervalsAgainstR starts from R's ETS(A,A,M) fit of
// AirPassengers (testdata/simulated.csv, restrict = FALSE: R's automatic
// search excludes the form) and compares our simulated intervals with R's
// from 20000 paths. Both are Monte Carlo estimates with different random
// streams; at our 5000 paths the bounds must agree within 5% of R's 95%
// half-width (the largest gap is just over 3% with the current seeds), and the
// means (point forecasts) to 1e-6.
func TestSimulatedIntervalsAgainstR(t *testing.T) {
	rows := modeltest.ReadGoldenRecords(t, "simulated.csv")
	num := func(s string) float64 { return modeltest.GoldenFloat(t, s) }
	var y []float64
	for _, r := range modeltest.ReadGoldenRecords(t, "series.csv") {
		if r["series"] == rows[0]["series"] {
			y = append(y, num(r["value"]))
		}
	}
	spec, err := ParseSpec(rows[0]["form"])
	if err != nil {
		t.Fatal(err)
	}
	f := newForm(spec, 12)
	var init []float64
	for _, v := range strings.Fields(rows[0]["init"]) {
		init = append(init, num(v))
	}
	x0 := f.initialState(init)
	fit, err := newFitted(f, Params{Alpha: num(rows[0]["alpha"]), Beta: num(rows[0]["beta"]), Gamma: num(rows[0]["gamma"]), Phi: 1}, &x0, y)
	if err != nil {
		t.Fatal(err)
	}
	if !close(fit.sigma2, num(rows[0]["sigma2"]), 1e-6) {
		t.Fatalf("sigma2 %v, R %v", fit.sigma2, num(rows[0]["sigma2"]))
	}
	fc, err := fit.Forecast(len(rows), []float64{80, 95})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		mean, half := num(r["mean"]), num(r["hi95"])-num(r["mean"])
		if !close(fc.Mean[i], mean, 1e-6) {
			t.Errorf("step %d: mean %.8g, R %.8g", i+1, fc.Mean[i], mean)
		}
		for k, col := range [][2]string{{"lo80", "hi80"}, {"lo95", "hi95"}} {
			lo, hi := fc.Intervals[k].Lower[i], fc.Intervals[k].Upper[i]
			if abs(lo-num(r[col[0]])) > 0.05*half || abs(hi-num(r[col[1]])) > 0.05*half {
				t.Errorf("step %d: [%.6g, %.6g], R [%.6g, %.6g]", i+1, lo, hi, num(r[col[0]]), num(r[col[1]]))
			}
		}
	}
}
