package sample_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
)

func ExampleClassify() {
	fmt.Println(sample.Classify([]float64{12, 10, 11, 13, 9, 12}))
	fmt.Println(sample.Classify([]float64{0, 3, 0, 0, 4, 0, 3, 0}))
	fmt.Println(sample.Classify([]float64{0, 1, 0, 0, 40, 0, 0, 2}))
	// Output:
	// smooth
	// intermittent
	// lumpy
}

func ExampleSelect() {
	ds := &series.Dataset{}
	for i := range 10 {
		values := []float64{5, 6, 5, 6} // smooth
		if i%2 == 1 {
			values = []float64{0, 4, 0, 4} // intermittent
		}
		ds.Items = append(ds.Items, series.Series{ID: fmt.Sprintf("SKU-%d", i), Values: values})
	}
	// Half the items are smooth, so two of the four chosen are smooth.
	chosen := sample.Select(ds, 4, 42)
	for _, i := range chosen {
		fmt.Println(ds.Items[i].ID, sample.Classify(ds.Items[i].Values))
	}
	// Output:
	// SKU-2 smooth
	// SKU-4 smooth
	// SKU-5 intermittent
	// SKU-7 intermittent
}
