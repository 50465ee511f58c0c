package arima_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/forecastrun/forecastrun/runner/models/arima"
)

func Example() {
	// Four years of monthly demand: a random walk plus a yearly pattern.
	rng := rand.New(rand.NewPCG(1, 2))
	pattern := []float64{-8, -6, 0, 4, 9, 12, 10, 6, 1, -5, -9, -14}
	level := 200.0
	var y []float64
	for t := range 48 {
		level += rng.NormFloat64()
		y = append(y, level+pattern[t%12]+rng.NormFloat64())
	}
	fit, err := arima.Auto(12).Fit(y)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := fit.(*arima.Fitted)
	fmt.Println(f.Order())
	fc, _ := fit.Forecast(3, []float64{95})
	for i, m := range fc.Mean {
		fmt.Printf("month %d: %.1f [%.1f, %.1f]\n", i+1, m, fc.Intervals[0].Lower[i], fc.Intervals[0].Upper[i])
	}
	// R's auto.arima on the same numbers picks the same model and
	// forecasts (198.4104 [194.1907, 202.6300] for the first month).

	// Output:
	// ARIMA(0,0,0)(0,1,0)[12] with drift
	// month 1: 198.4 [194.2, 202.6]
	// month 2: 199.3 [195.1, 203.5]
	// month 3: 205.9 [201.7, 210.1]
}
