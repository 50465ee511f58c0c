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
