package tournament_test

import (
	"context"
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/naive"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

func ExampleRun() {
	weekly := []float64{2, 4, 6, 8, 10, 30, 40}
	var shop, flat []float64
	for range 8 {
		shop = append(shop, weekly...)
		flat = append(flat, 5, 5, 5, 5, 5, 5, 5)
	}
	items := []series.Series{{ID: "shop", Values: shop}, {ID: "flat", Values: flat}}
	cfg := tournament.Config{
		Horizon: 7,
		Season:  7,
		Models:  []models.Model{naive.Naive{}, naive.Mean{}, naive.Seasonal{Season: 7}},
	}
	res, err := tournament.Run(context.Background(), items, cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range res.Items {
		fmt.Printf("%s: %s %v\n", it.ID, it.Winner, it.Forecast.Mean)
	}
	fmt.Println("wins:", res.Summary.Wins)
	// Output:
	// shop: SeasonalNaive [2 4 6 8 10 30 40]
	// flat: Naive [5 5 5 5 5 5 5]
	// wins: map[Naive:1 SeasonalNaive:1]
}

// A resumable run: items finished earlier are skipped, and every newly
// finished item is handed to OnItem for checkpointing.
func ExampleConfig_resume() {
	items := []series.Series{
		{ID: "a", Values: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{ID: "b", Values: []float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3}},
		{ID: "c", Values: []float64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
	}
	checkpoint := map[string]bool{"a": true}
	cfg := tournament.Config{
		Horizon: 2,
		Models:  []models.Model{naive.Naive{}, naive.Drift{}},
		Workers: 1,
		Skip:    checkpoint,
		OnItem:  func(it tournament.ItemResult) { checkpoint[it.ID] = true },
	}
	progress := func(done, total int, msg string) { fmt.Printf("%d/%d %s\n", done, total, msg) }
	if _, err := tournament.Run(context.Background(), items, cfg, progress); err != nil {
		fmt.Println(err)
	}
	fmt.Println(len(checkpoint), "items checkpointed")
	// Output:
	// 1/3 starting: 2 items to run, 1 already done
	// 2/3 b: Naive
	// 3/3 c: RandomWalkWithDrift
	// 3 items checkpointed
}
