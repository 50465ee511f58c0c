package source_test

import (
	"context"
	"fmt"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/source"
)

func ExampleLoad() {
	spec := v1alpha1.Dataset{
		Frequency: "weekly",
		Synthetic: &v1alpha1.SyntheticSource{Items: 3, Periods: 104, Seed: 42},
	}
	ds, err := source.Load(context.Background(), spec, source.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(ds.Items), "items,", len(ds.Items[0].Values), ds.Frequency, "periods, first", ds.Items[0].ID)
	// Output: 3 items, 104 weekly periods, first SKU-00001
}
