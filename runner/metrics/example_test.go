package metrics_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/metrics"
)

func ExampleEvaluate() {
	history := []float64{10, 12, 11, 13, 12, 14}
	actual := []float64{13, 15}
	forecast := []float64{14, 14}
	for _, m := range []metrics.Metric{metrics.MASE, metrics.SMAPE, metrics.MAE} {
		fmt.Printf("%s %.3f\n", m, metrics.Evaluate(m, actual, forecast, history, 1))
	}
	// Output:
	// MASE 0.625
	// sMAPE 7.152
	// MAE 1.000
}

func ExampleParseMetric() {
	m, err := metrics.ParseMetric("smape")
	fmt.Println(m, err)
	_, err = metrics.ParseMetric("mape")
	fmt.Println(err)
	// Output:
	// sMAPE <nil>
	// unknown metric "mape": valid metrics are MASE, sMAPE, RMSE, MAE, WAPE, RMSSE
}
