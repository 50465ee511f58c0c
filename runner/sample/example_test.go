package sample_test

import (
	"fmt"
	"strings"

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

// Every shard draws from the summary of a shared read the sample Select
// draws from the whole dataset.
func ExampleSelectSummary() {
	var csv strings.Builder
	csv.WriteString("item_id,date,quantity\n")
	for i := range 10 {
		for d, v := range []int{5, 6, 5, 6} {
			if i%2 == 1 {
				v = []int{0, 4, 0, 4}[d] // intermittent
			}
			fmt.Fprintf(&csv, "SKU-%d,2024-01-0%d,%d\n", i, d+1, v)
		}
	}
	ds, err := series.Read(strings.NewReader(csv.String()), "sales.csv", series.ReadOptions{Keep: func(string) bool { return false }})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, i := range sample.SelectSummary(ds.Summary, 4, 42) {
		fmt.Println(ds.Summary.Items[i].ID, sample.ClassifySizes(ds.Summary.Demand[i]))
	}
	// Output:
	// SKU-2 smooth
	// SKU-4 smooth
	// SKU-5 intermittent
	// SKU-7 intermittent
}
