package series_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/forecastrun/forecastrun/runner/series"
)

func ExampleRead() {
	const data = `item_id,date,quantity
SKU-1,2024-01-01,3
SKU-1,2024-01-02,
SKU-2,2024-01-02,7
SKU-1,2024-01-04,5
SKU-2,2024-01-01,6
`
	ds, err := series.Read(strings.NewReader(data), "sales.csv", series.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("frequency:", ds.Frequency)
	for _, s := range ds.Items {
		fmt.Println(s.ID, s.Start.Format("2006-01-02"), s.Values)
	}
	// Output:
	// frequency: daily
	// SKU-1 2024-01-01 [3 NaN 0 5]
	// SKU-2 2024-01-01 [6 7 0 0]
}

func ExampleRead_error() {
	const data = "item_id,date,quantity\nSKU-1,2024-01-01,3\nSKU-1,2024-01-02,3 units\n"
	_, err := series.Read(strings.NewReader(data), "sales.csv", series.ReadOptions{})
	fmt.Println(err)
	// Output:
	// sales.csv:3:3: column "quantity": cannot parse "3 units" as a number
}

func ExampleImpute() {
	filled, offset := series.Impute([]float64{nan, 2, nan, 4, nan})
	fmt.Println(filled, offset)
	// Output:
	// [2 3 4 4] 1
}

func ExampleReadParquet() {
	csv := "item_id,date,quantity\nSKU-1,2024-01-01,3\nSKU-1,2024-01-03,5\nSKU-2,2024-01-02,\n"
	ds, err := series.Read(strings.NewReader(csv), "sales.csv", series.ReadOptions{Frequency: series.Daily})
	if err != nil {
		fmt.Println(err)
		return
	}
	var file bytes.Buffer
	if err := series.WriteParquet(&file, ds, series.Columns{}); err != nil {
		fmt.Println(err)
		return
	}
	back, err := series.ReadParquet(bytes.NewReader(file.Bytes()), int64(file.Len()), "sales.parquet", series.ReadOptions{Frequency: series.Daily})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range back.Items {
		fmt.Println(s.ID, s.Start.Format("2006-01-02"), s.Values)
	}
	// Output:
	// SKU-1 2024-01-01 [3 0 5]
	// SKU-2 2024-01-02 [NaN 0]
}

// A shard keeps its own items' values and a summary of every item.
func ExampleReadOptions_keep() {
	const data = "item_id,date,quantity\nA,2024-01-01,3\nB,2024-01-01,1\nA,2024-01-02,4\nB,2024-01-03,2\n"
	ds, err := series.Read(strings.NewReader(data), "sales.csv", series.ReadOptions{
		Keep: func(id string) bool { return id == "B" },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range ds.Items {
		fmt.Println("kept", s.ID, s.Values)
	}
	for i, s := range ds.Summary.Items {
		fmt.Println("summary", s.ID, len(s.Values), "periods,", ds.Summary.Demand[i].Demands, "with demand")
	}
	// Output:
	// kept B [1 0 2]
	// summary A 3 periods, 2 with demand
	// summary B 3 periods, 2 with demand
}
