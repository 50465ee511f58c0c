package expsmooth_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models/expsmooth"
)

func Example() {
	// Monthly sales with a yearly pattern and growth.
	var sales []float64
	pattern := []float64{0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.3, 1.2, 1.0, 0.9, 0.8, 1.5}
	for t := range 48 {
		sales = append(sales, (100+2*float64(t))*pattern[t%12])
	}
	fit, err := expsmooth.HoltWinters(12, expsmooth.Multiplicative).Fit(sales)
	if err != nil {
		fmt.Println(err)
		return
	}
	fc, _ := fit.Forecast(3, []float64{95})
	for i, m := range fc.Mean {
		fmt.Printf("month %d: %.1f\n", i+1, m)
	}
	// The pattern is exact, so the forecasts continue it: (100+2·48)·0.8, …
	// Output:
	// month 1: 156.8
	// month 2: 178.2
	// month 3: 200.0
}

func ExampleFitSES() {
	fit, err := expsmooth.FitSES([]float64{10, 12, 11, 13, 12, 14, 13, 15, 14, 16})
	if err != nil {
		fmt.Println(err)
		return
	}
	fc, _ := fit.Forecast(2, nil)
	fmt.Printf("alpha %.2f, forecast %.2f %.2f\n", fit.Params().Alpha, fc.Mean[0], fc.Mean[1])
	// Output:
	// alpha 0.62, forecast 15.29 15.29
}
