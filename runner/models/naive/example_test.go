package naive_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models/naive"
)

func ExampleSeasonal() {
	// Two weeks of daily sales with a weekend peak.
	y := []float64{10, 11, 9, 10, 12, 20, 22, 11, 10, 10, 11, 13, 21, 23}
	fit, err := naive.Seasonal{Season: 7}.Fit(y)
	if err != nil {
		panic(err)
	}
	fc, err := fit.Forecast(3, []float64{95})
	if err != nil {
		panic(err)
	}
	fmt.Println(fc.Mean)
	iv := fc.Intervals[0]
	fmt.Printf("95%%: [%.2f, %.2f]\n", iv.Lower[0], iv.Upper[0])
	// Output:
	// [11 10 10]
	// 95%: [9.04, 12.96]
}

func ExampleDrift() {
	fit, err := naive.Drift{}.Fit([]float64{100, 104, 103, 109, 112})
	if err != nil {
		panic(err)
	}
	fc, _ := fit.Forecast(3, nil)
	fmt.Println(fc.Mean)
	// Output:
	// [115 118 121]
}

func ExampleWindowAverage() {
	fit, err := naive.WindowAverage{Window: 3}.Fit([]float64{50, 0, 4, 8, 6})
	if err != nil {
		panic(err)
	}
	fc, _ := fit.Forecast(2, nil)
	fmt.Println(fc.Mean, fit.InSample())
	// Output:
	// [6 6] [NaN 50 25 18 4]
}
