package arima_test

import (
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

// TestReestimateConverges: Reestimate starts the exact likelihood from
// the shorter history's coefficients instead of from a CSS fit, and must
// still end at an optimum of the longer history: above the likelihood of
// the shorter history's coefficients (which Refit keeps), and where a
// second reestimation, started there, gains nothing. Returning the start
// (Refit) or a maximisation cut short fails it.
func TestReestimateConverges(t *testing.T) {
	for _, tc := range []struct {
		name      string
		y         []float64
		season, h int
	}{
		{"monthly", modeltest.Series()["seasonal"], 12, 12},
		{"daily", dailySeries(400), 7, 28},
		{"daily-long", dailySeries(730), 7, 84},
		{"hourly", seasonalSeries(400, 24, 5), 24, 48},
	} {
		t.Run(tc.name, func(t *testing.T) {
			short, err := arima.Auto(tc.season).Fit(tc.y[:len(tc.y)-tc.h])
			if err != nil {
				t.Fatal(err)
			}
			chosen := short.(*arima.Fitted)
			kept, err := chosen.Refit(tc.y)
			if err != nil {
				t.Fatal(err)
			}
			re, err := chosen.Reestimate(tc.y)
			if err != nil {
				t.Fatal(err)
			}
			warm := re.(*arima.Fitted)
			if gain := warm.LogLik() - kept.(*arima.Fitted).LogLik(); !(gain > 0) {
				t.Errorf("%s: reestimating gained %.3g on the shorter history's coefficients", chosen.Order(), gain)
			}
			again, err := warm.Reestimate(tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if gain := again.(*arima.Fitted).LogLik() - warm.LogLik(); gain > 1e-3 {
				t.Errorf("%s: log-likelihood %.6f is no optimum: reestimating from it gains %.3g",
					chosen.Order(), warm.LogLik(), gain)
			}
		})
	}
}
