package tournament

import (
	"context"
	"strconv"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models/registry"
	"github.com/forecastrun/forecastrun/runner/series"
)

// benchItems mixes seasonal and intermittent daily items of a year.
func benchItems(n int) []series.Series {
	return append(makeItems(n/2, 365, 31, seasonalSeries), makeItems(n-n/2, 365, 32, intermittentSeries)...)
}

// BenchmarkRun times the full registry over 100 and 1000 items on the
// default pool; items/s is the figure to compare.
func BenchmarkRun(b *testing.B) {
	for _, n := range []int{100, 1000} {
		items := benchItems(n)
		cfg := Config{Horizon: 14, Season: 7, Models: registry.All(7)}
		b.Run("items="+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Run(context.Background(), items, cfg, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// BenchmarkItem times one item's tournament on one worker, by model set.
func BenchmarkItem(b *testing.B) {
	items := benchItems(2)
	for _, tc := range []struct {
		name   string
		season int
	}{{"nonseasonal", 1}, {"seasonal", 7}} {
		cfg, err := Config{Horizon: 14, Season: tc.season, Models: registry.All(tc.season)}.withDefaults()
		if err != nil {
			b.Fatal(err)
		}
		w := newWorker(&cfg)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				w.run(0, items[0])
			}
		})
	}
}
