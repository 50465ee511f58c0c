package series_test

import (
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
