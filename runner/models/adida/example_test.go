package adida_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models/adida"
)

func ExampleADIDA() {
	// A demand about every third period: ADIDA sums buckets of 3, which
	// are all 6, and spreads the next bucket's 6 over its three periods.
	y := []float64{0, 0, 6, 0, 0, 6, 0, 0, 6, 0, 0, 6}
	fit, err := adida.ADIDA().Fit(y)
	if err != nil {
		panic(err)
	}
	fc, _ := fit.Forecast(3, nil)
	fmt.Println(fc.Mean)
	// Output:
	// [2 2 2]
}

func ExampleIMAPA() {
	y := []float64{0, 3, 0, 0, 5, 0, 2, 0, 0, 0, 4, 0, 3, 0, 0, 6}
	for _, m := range []adida.Model{adida.ADIDA(), adida.IMAPA()} {
		fit, err := m.Fit(y)
		if err != nil {
			panic(err)
		}
		fc, _ := fit.Forecast(1, nil)
		fmt.Printf("%s: %.3f per period\n", m.Name(), fc.Mean[0])
	}
	// Output:
	// ADIDA: 1.236 per period
	// IMAPA: 1.432 per period
}
