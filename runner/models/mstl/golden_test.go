package mstl_test

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/modeltest"
	"github.com/forecastrun/forecastrun/runner/models/mstl"
	"gonum.org/v1/gonum/stat"
)

// The goldens are written by hack/goldens/mstl.R: values from R forecast
// (version in testdata/SOURCE), mstl(y) and forecast(mstl(y), h) on
// AirPassengers (12), m4-hourly H1 and H150 (24 and 168), m4-weekly W162
// (52) and four weeks of taylor's half-hourly electricity demand (48 and
// 336).

type golden struct {
	periods                          []int
	y                                []float64
	trend, seasonal1, seasonal2, rem []float64
	mean                             []float64
}

func loadGoldens(t *testing.T) map[string]*golden {
	out := map[string]*golden{}
	for _, r := range modeltest.ReadGoldenRecords(t, "series.csv") {
		g := out[r["series"]]
		if g == nil {
			g = &golden{}
			for _, p := range strings.Fields(r["periods"]) {
				v, _ := strconv.Atoi(p)
				g.periods = append(g.periods, v)
			}
			out[r["series"]] = g
		}
		g.y = append(g.y, modeltest.GoldenFloat(t, r["value"]))
	}
	for _, r := range modeltest.ReadGoldenRecords(t, "components.csv") {
		g := modeltest.Entry(t, out, r["series"])
		g.trend = append(g.trend, modeltest.GoldenFloat(t, r["trend"]))
		g.seasonal1 = append(g.seasonal1, modeltest.GoldenFloat(t, r["seasonal1"]))
		g.seasonal2 = append(g.seasonal2, modeltest.GoldenFloat(t, r["seasonal2"]))
		g.rem = append(g.rem, modeltest.GoldenFloat(t, r["remainder"]))
	}
	for _, r := range modeltest.ReadGoldenRecords(t, "forecasts.csv") {
		g := modeltest.Entry(t, out, r["series"])
		g.mean = append(g.mean, modeltest.GoldenFloat(t, r["mean"]))
	}
	return out
}

// TestDecompositionAgainstR: the seasonal components equal R's mstl to
// 1e-8 of the series' spread; the decomposition is deterministic, so any
// larger difference is a different algorithm.
func TestDecompositionAgainstR(t *testing.T) {
	for name, g := range loadGoldens(t) {
		t.Run(name, func(t *testing.T) {
			fit, err := mstl.New(g.periods...).Fit(g.y)
			if err != nil {
				t.Fatal(err)
			}
			f := fit.(*mstl.Fitted)
			if len(f.Periods()) != len(g.periods) {
				t.Fatalf("periods used %v, R %v", f.Periods(), g.periods)
			}
			tol := 1e-8 * spread(g.y)
			for i, want := range [][]float64{g.seasonal1, g.seasonal2}[:len(g.periods)] {
				for k, v := range f.Seasonal(i) {
					if math.Abs(v-want[k]) > tol {
						t.Fatalf("seasonal %d at %d: %.10g, R %.10g", g.periods[i], k+1, v, want[k])
					}
				}
			}
		})
	}
}

// TestForecastAgainstR compares forecast(mstl(y)): the seasonal part is
// exact, the seasonally adjusted part comes from our AutoETS, whose form
// and estimates may differ slightly from R's ets (see ets's golden test),
// so the forecasts must agree within the larger of 3% of R's value and
// 10% of the seasonally adjusted series' standard deviation.
func TestForecastAgainstR(t *testing.T) {
	for name, g := range loadGoldens(t) {
		t.Run(name, func(t *testing.T) {
			fit, err := mstl.New(g.periods...).Fit(g.y)
			if err != nil {
				t.Fatal(err)
			}
			fc, err := fit.Forecast(len(g.mean), nil)
			if err != nil {
				t.Fatal(err)
			}
			adjusted := make([]float64, len(g.y))
			for k := range adjusted {
				adjusted[k] = g.trend[k] + g.rem[k]
			}
			scale := stat.StdDev(adjusted, nil)
			for j, want := range g.mean {
				if d := math.Abs(fc.Mean[j] - want); d > max(0.03*math.Abs(want), 0.1*scale) {
					t.Errorf("step %d: %.6g, R %.6g", j+1, fc.Mean[j], want)
				}
			}
		})
	}
}

func spread(y []float64) float64 {
	lo, hi := y[0], y[0]
	for _, v := range y {
		lo, hi = min(lo, v), max(hi, v)
	}
	return hi - lo
}
