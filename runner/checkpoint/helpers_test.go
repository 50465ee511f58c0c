package checkpoint

import (
	"fmt"
	"math"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// item builds a realistic finished item: 16 model scores (one NaN, one
// infinite), a horizon-14 forecast with 80 and 95% intervals.
func item(i int) tournament.ItemResult {
	const h = 14
	mean, lo80, hi80, lo95, hi95 := make([]float64, h), make([]float64, h), make([]float64, h), make([]float64, h), make([]float64, h)
	for k := range mean {
		mean[k] = 10 + float64(i%5) + 0.1*float64(k)
		lo80[k], hi80[k] = mean[k]-2, mean[k]+2
		lo95[k], hi95[k] = mean[k]-3, mean[k]+3
	}
	scores := map[string]tournament.Score{"Croston": tournament.Score(math.NaN()), "Theta": tournament.Score(math.Inf(1))}
	for m := range 14 {
		scores[fmt.Sprintf("Model%02d", m)] = tournament.Score(0.5 + float64(m)/20)
	}
	return tournament.ItemResult{
		Index: i, ID: fmt.Sprintf("SKU-%05d", i), Class: sample.Classes[i%4], Winner: "Model00",
		Score: 0.5, Scores: scores, Skipped: map[string]string{"HoltWintersMultiplicative": "needs positive data"},
		Forecast: models.Forecast{Mean: mean, Intervals: []models.Interval{
			{Level: 80, Lower: lo80, Upper: hi80}, {Level: 95, Lower: lo95, Upper: hi95}}},
		Windows: 3, BacktestHorizon: h,
	}
}
