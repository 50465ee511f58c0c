package output_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/forecastrun/forecastrun/runner/metrics"
	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/naive"
	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

func ExampleWrite() {
	items := []series.Series{{ID: "A", StartIndex: 1, Values: []float64{3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4}}}
	cfg := tournament.Config{Horizon: 2, Levels: []float64{80}, Models: []models.Model{naive.Naive{}, naive.Mean{}}}
	res, err := tournament.Run(context.Background(), items, cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	run := output.Run{Result: res, Items: items, Metric: metrics.MASE, Horizon: 2, Levels: cfg.Levels}
	if _, err := output.Write(dir, run); err != nil {
		fmt.Println(err)
		return
	}
	forecasts, _ := os.ReadFile(filepath.Join(dir, output.ForecastsFile))
	fmt.Print(strings.Split(string(forecasts), "\n")[0], "\n")
	leaderboard, _ := os.ReadFile(filepath.Join(dir, output.LeaderboardFile))
	fmt.Print(strings.Split(string(leaderboard), "\n")[0], "\n")
	// Output:
	// item_id,step,period,model,forecast,lo_80,hi_80
	// item_id,class,winner,Naive,HistoricAverage,failed,bias,members,Naive_bias,HistoricAverage_bias,note
}
