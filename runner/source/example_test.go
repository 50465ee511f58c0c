package source_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/series"
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

// Decode is where a transport hands over what it fetched: the content, not
// the name, says whether it is CSV or Parquet.
func ExampleDecode() {
	csv := "item_id,date,quantity\nA,2024-01-01,3\nA,2024-01-02,4\n"
	ds, err := source.Decode("bucket/sales.parquet", strings.NewReader(csv), series.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.Items[0].ID, ds.Items[0].Values)
	// Output: A [3 4]
}
