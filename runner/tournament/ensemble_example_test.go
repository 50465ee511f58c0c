package tournament_test

import (
	"context"
	"fmt"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/naive"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// An ensemble candidate joins the tournament: the median of each item's
// three best models, with a backtest score of its own.
func ExampleEnsembleConfig() {
	wiggle := []float64{3, -1, 4, -1, -5, 9, -2, 6, -5, 3}
	var sales []float64
	for t := range 60 {
		sales = append(sales, 50+0.5*float64(t)+wiggle[t%len(wiggle)])
	}
	cfg := tournament.Config{
		Horizon:  5,
		Metric:   metrics.MAE,
		Models:   []models.Model{naive.Naive{}, naive.Mean{}, naive.WindowAverage{Window: 5}, naive.Drift{}},
		Ensemble: &tournament.EnsembleConfig{}, // top 3, median
	}
	res, err := tournament.Run(context.Background(), []series.Series{{ID: "sales", Values: sales}}, cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	it := res.Items[0]
	fmt.Println("candidates:", res.Models)
	for _, name := range res.Models {
		fmt.Printf("%s %.2f\n", name, it.Scores[name])
	}
	fmt.Println("winner:", it.Winner, it.EnsembleMembers)
	// The ensemble beats three of its four rivals but not the window
	// average, so the single model forecasts (and would on a tie, too).
	// Output:
	// candidates: [Naive HistoricAverage WindowAverage RandomWalkWithDrift Ensemble]
	// Naive 6.70
	// HistoricAverage 14.19
	// WindowAverage 4.45
	// RandomWalkWithDrift 6.26
	// Ensemble 6.03
	// winner: WindowAverage []
}
