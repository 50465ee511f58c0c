package ets_test

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models/ets"
)

// monthly is eight years of a multiplicative seasonal series with a trend.
func monthly() []float64 {
	y := make([]float64, 96)
	for t := range y {
		season := 1 + 0.25*math.Sin(2*math.Pi*float64(t)/12)
		wiggle := 1 + 0.02*math.Sin(float64(7*t))
		y[t] = (100 + 2*float64(t)) * season * wiggle
	}
	return y
}

func Example() {
	fit, err := ets.Auto(12).Fit(monthly())
	if err != nil {
		panic(err)
	}
	chosen := fit.(*ets.Fitted)
	fmt.Println("form:", chosen.Form())
	fc, err := fit.Forecast(3, []float64{95})
	if err != nil {
		panic(err)
	}
	for i, m := range fc.Mean {
		fmt.Printf("step %d: %.0f [%.0f, %.0f]\n", i+1, m, fc.Intervals[0].Lower[i], fc.Intervals[0].Upper[i])
	}
	// Output:
	// form: ETS(M,Ad,M)
	// step 1: 286 [279, 292]
	// step 2: 323 [312, 333]
	// step 3: 350 [336, 364]
}

func ExampleNew() {
	form := ets.Spec{Error: ets.Additive, Trend: ets.Damped, Season: ets.None}
	fit, err := ets.New(1, form).Fit(monthly())
	if err != nil {
		panic(err)
	}
	f := fit.(*ets.Fitted)
	p := f.Params()
	fmt.Println(f.Form(), p.Phi >= 0.8 && p.Phi <= 0.98)
	// Output: ETS(A,Ad,N) true
}
