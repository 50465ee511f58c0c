package tournament

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/forecastrun/forecastrun/runner/models"
)

// poolItems builds items of the given families with random ratios over
// up to steps steps (some items shorter), some without a calibration.
func poolItems(families map[string]int, steps int, seed uint64) []ItemResult {
	rng := rand.New(rand.NewPCG(seed, 1))
	var items []ItemResult
	for _, name := range []string{"smooth", "erratic", "intermittent", "lumpy"} {
		for range families[name] {
			n := 1 + rng.IntN(steps)
			it := ItemResult{Forecast: models.Forecast{Mean: make([]float64, steps+2)}}
			for j := range it.Forecast.Mean {
				it.Forecast.Mean[j] = 10 * rng.Float64()
			}
			if rng.IntN(10) > 0 {
				cal := &Calibration{Ratios: make([][]float32, n), Sigma: 1 + rng.Float64(), NonNegative: rng.IntN(2) == 0, Family: name}
				for j := range cal.Ratios {
					for range rng.IntN(4) {
						cal.Ratios[j] = append(cal.Ratios[j], float32(rng.NormFloat64()))
					}
				}
				it.Calibration = cal
			}
			items = append(items, it)
		}
	}
	return items
}

// TestPoolsCalibrateAsCalibrate: adding every item to Pools and applying
// them one by one gives each item the intervals and quantiles Calibrate
// gives it over all of them, with large families, small ones that borrow
// from all, and items whose backtest had fewer steps.
func TestPoolsCalibrateAsCalibrate(t *testing.T) {
	tests := []struct {
		name     string
		families map[string]int
	}{
		{"large families", map[string]int{"smooth": 300, "erratic": 200, "intermittent": 250}},
		{"a small family borrows", map[string]int{"smooth": 300, "lumpy": 12}},
		{"every family small", map[string]int{"smooth": 20, "lumpy": 10}},
		{"no items", map[string]int{}},
	}
	cfg := Config{Levels: []float64{80, 95}, Quantiles: []float64{0.5, 0.9, 0.99}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := poolItems(tt.families, 7, 3)
			if err := cfg.Calibrate(want); err != nil {
				t.Fatal(err)
			}
			got := poolItems(tt.families, 7, 3)
			p, err := cfg.NewPools()
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range got {
				p.Add(it.Calibration)
			}
			for i := range got {
				p.Apply(&got[i])
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Pools gave other intervals than Calibrate")
			}
		})
	}
}
