package report

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/registry"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// runTournament plays a real tournament on n synthetic daily items.
func runTournament(tb testing.TB, n, periods int) Input {
	tb.Helper()
	ds, err := synth.Generate(synth.Config{Items: n, Periods: periods, Frequency: series.Daily, Seed: 7})
	if err != nil {
		tb.Fatal(err)
	}
	cfg := tournament.Config{Horizon: 14, Season: 7, Models: registry.All(7), Workers: 2}
	res, err := tournament.Run(context.Background(), ds.Items, cfg, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return Input{RunName: "nightly", Dataset: "synthetic", Mode: "QuickTest", Metric: "MASE",
		Horizon: 14, Season: 7, Frequency: ds.Frequency, DatasetItems: n, Result: res, Items: ds.Items}
}

// fakeInput builds n items and their results directly, without fitting:
// classes and winners cycle, forecasts are flat with 80/95 intervals.
func fakeInput(n, periods, horizon int) Input {
	winners := []string{"Naive", "SES", "Theta"}
	in := Input{Horizon: horizon, Frequency: series.Daily,
		Result: &tournament.Result{Models: append([]string{"HistoricAverage"}, winners...)}}
	for i := range n {
		s := series.Series{ID: fmt.Sprintf("item-%04d", i), Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		for t := range periods {
			s.Values = append(s.Values, 10+5*math.Sin(float64(t+i)))
		}
		in.Items = append(in.Items, s)
		in.Result.Items = append(in.Result.Items, fakeItem(i, s.ID, winners[i%len(winners)], horizon))
	}
	in.Result.Summary = tournament.Summary{Items: n, Seconds: 1, ItemsPerSecond: float64(n)}
	return in
}

func fakeItem(i int, id, winner string, horizon int) tournament.ItemResult {
	mean, lo80, hi80, lo95, hi95 := make([]float64, horizon), make([]float64, horizon),
		make([]float64, horizon), make([]float64, horizon), make([]float64, horizon)
	for k := range mean {
		mean[k], lo80[k], hi80[k], lo95[k], hi95[k] = 10, 8-0.1*float64(k), 12+0.1*float64(k), 6-0.2*float64(k), 14+0.2*float64(k)
	}
	return tournament.ItemResult{Index: i, ID: id, Class: sample.Classes[i%len(sample.Classes)],
		Winner: winner, Score: tournament.Score(0.5 + float64(i%7)/10),
		Forecast: models.Forecast{Mean: mean, Intervals: []models.Interval{
			{Level: 80, Lower: lo80, Upper: hi80}, {Level: 95, Lower: lo95, Upper: hi95}}}}
}
