package arima_test

import (
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/arima"
	"github.com/forecastrun/forecastrun/runner/models/modeltest"
)

// TestReestimateKeepsTheOrders: the orders Auto chose on a shorter history
// are fitted to the longer one, coefficients estimated afresh.
func TestReestimateKeepsTheOrders(t *testing.T) {
	y := modeltest.Series()["seasonal"]
	short, err := arima.Auto(12).Fit(y[:len(y)-12])
	if err != nil {
		t.Fatal(err)
	}
	chosen := short.(*arima.Fitted)
	re, err := chosen.Reestimate(y)
	if err != nil {
		t.Fatal(err)
	}
	got := re.(*arima.Fitted)
	if got.Order() != chosen.Order() {
		t.Errorf("reestimated %s, want the chosen %s", got.Order(), chosen.Order())
	}
	if got.LogLik() == chosen.LogLik() {
		t.Errorf("log-likelihood unchanged on a longer history: nothing was estimated")
	}
}

// TestReestimateWarmReachesTheColdOptimum: Reestimate starts the exact
// likelihood from the shorter history's coefficients instead of from a
// CSS fit; on the longer history it must reach the optimum a fit of the
// same orders from scratch reaches (R's Arima), to within the optimiser's
// tolerance (maxLogLikLoss), and forecast alike (within 2%). Short histories (up to 150) are fitted
// from scratch: exactly the cold fit.
// maxLogLikLoss is how much lower a warm start's log-likelihood may end
// than the cold fit's: on an overparameterised form, ARIMA(2,0,3)(2,1,2)
// on 200 days, whose likelihood is flat, the two optimisers stop 0.27
// apart (forecasts 1.2% apart), a difference no likelihood-ratio test or
// AICc comparison would call significant.
const maxLogLikLoss = 0.5

func TestReestimateWarmReachesTheColdOptimum(t *testing.T) {
	for _, tc := range []struct {
		name     string
		y        []float64
		season   int
		cut      int // observations the first fit does not see
		truncate int
		exact    bool // a short history: the cold fit, bit for bit
	}{
		{"monthly seasonal, short", modeltest.Series()["seasonal"], 12, 12, 0, true},
		{"constant", modeltest.Series()["constant"], 12, 12, 0, true},
		{"daily, one backtest step", dailySeries(730), 7, 28, 0, false},
		{"daily, three steps, truncated search", dailySeries(730), 7, 84, 300, false},
		{"hourly, three steps", hourlySeries(700), 24, 144, 0, false},
		{"daily, from 160 to 200", dailySeries(200), 7, 40, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first, err := arima.AutoWith(tc.season, arima.AutoOptions{Truncate: tc.truncate}).Fit(tc.y[:len(tc.y)-tc.cut])
			if err != nil {
				t.Fatal(err)
			}
			chosen := first.(*arima.Fitted)
			warm, err := chosen.Reestimate(tc.y)
			if err != nil {
				t.Fatal(err)
			}
			o, so, m, constant := chosen.Orders()
			cold, err := arima.New(o, so, m, constant).Fit(tc.y)
			if err != nil {
				t.Fatal(err)
			}
			w, c := warm.(*arima.Fitted), cold.(*arima.Fitted)
			if w.Order() != chosen.Order() {
				t.Fatalf("reestimated %s, want the chosen %s", w.Order(), chosen.Order())
			}
			if tc.exact && w.LogLik() != c.LogLik() {
				t.Errorf("log-likelihood %.9f, want the cold fit's %.9f", w.LogLik(), c.LogLik())
			}
			if w.LogLik() < c.LogLik()-maxLogLikLoss {
				t.Errorf("warm start log-likelihood %.6f, below the cold fit's %.6f", w.LogLik(), c.LogLik())
			}
			fw, err := warm.Forecast(tc.cut, nil)
			if err != nil {
				t.Fatal(err)
			}
			fc, err := cold.Forecast(tc.cut, nil)
			if err != nil {
				t.Fatal(err)
			}
			for h := range fw.Mean {
				if d := math.Abs(fw.Mean[h] - fc.Mean[h]); d > 0.02*math.Max(1, math.Abs(fc.Mean[h])) {
					t.Fatalf("step %d: warm forecast %.6f, cold %.6f", h+1, fw.Mean[h], fc.Mean[h])
				}
			}
		})
	}
}
