package synth_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/synth"
)

func ExampleGenerate() {
	ds, err := synth.Generate(synth.Config{Items: 1000, Periods: 730, Seed: 42})
	if err != nil {
		fmt.Println(err)
		return
	}
	counts := map[sample.DemandClass]int{}
	for _, s := range ds.Items {
		counts[sample.Classify(s.Values)]++
	}
	fmt.Println(ds.Frequency, len(ds.Items), ds.Items[0].ID, ds.Items[0].Start.Format("2006-01-02"))
	for _, c := range sample.Classes {
		fmt.Printf("%s ≈ %d%%\n", c, (counts[c]+5)/10)
	}
	// Output:
	// daily 1000 SKU-00001 2024-01-01
	// smooth ≈ 40%
	// erratic ≈ 20%
	// intermittent ≈ 25%
	// lumpy ≈ 15%
}
