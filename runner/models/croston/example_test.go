package croston_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models/croston"
)

func ExampleSBA() {
	// Monthly sales of a slow-moving spare part.
	y := []float64{0, 3, 0, 0, 6, 0, 0, 0, 2, 0, 0, 4}
	for _, m := range []croston.Model{croston.Classic(), croston.SBA()} {
		fit, err := m.Fit(y)
		if err != nil {
			panic(err)
		}
		fc, _ := fit.Forecast(3, nil)
		fmt.Printf("%s: %.4f per month\n", m.Name(), fc.Mean[0])
	}
	// Output:
	// CrostonClassic: 1.3778 per month
	// CrostonSBA: 1.3089 per month
}

func ExampleTSB() {
	// Demand that stops: TSB's forecast decays with every empty period.
	y := []float64{4, 0, 5, 3, 0, 4, 6, 0, 5, 4, 0, 0, 0, 0, 0, 0, 0, 0}
	fit, err := croston.TSB().Fit(y)
	if err != nil {
		panic(err)
	}
	fc, _ := fit.Forecast(1, nil)
	in := fit.InSample()
	fmt.Printf("forecast after the last sale %.2f, eight empty months later %.2f\n", in[10], fc.Mean[0])
	// Output:
	// forecast after the last sale 3.25, eight empty months later 0.36

}
