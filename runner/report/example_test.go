package report_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/report"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

func ExampleWrite() {
	items := []series.Series{{ID: "SKU-1", StartIndex: 1, Values: []float64{3, 4, 3, 5, 4, 6}}}
	res := &tournament.Result{
		Models: []string{"Naive", "SES"},
		Items: []tournament.ItemResult{{
			Index: 0, ID: "SKU-1", Class: sample.Smooth, Winner: "SES", Score: 0.8,
			Forecast: models.Forecast{Mean: []float64{5, 5}, Intervals: []models.Interval{
				{Level: 80, Lower: []float64{4, 3.5}, Upper: []float64{6, 6.5}},
			}},
		}},
		Summary: tournament.Summary{Items: 1, Wins: map[string]int{"SES": 1}},
	}
	path := filepath.Join(os.TempDir(), "example-"+report.FileName)
	defer os.Remove(path)
	err := report.Write(path, report.Input{RunName: "demo", Metric: "MASE", Horizon: 2, Result: res, Items: items})
	if err != nil {
		fmt.Println(err)
		return
	}
	page, _ := os.ReadFile(path)
	fmt.Println(strings.Contains(string(page), "<title>Forecast report: demo</title>"))
	fmt.Println(strings.Count(string(page), `<figure class="plot">`), "plot")
	// Output:
	// true
	// 1 plot
}
