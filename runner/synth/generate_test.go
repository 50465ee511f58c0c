package synth_test

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
)

func generate(t testing.TB, cfg synth.Config) *series.Dataset {
	t.Helper()
	ds, err := synth.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func sameValues(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		return x == y || (math.IsNaN(x) && math.IsNaN(y))
	})
}

func TestGenerateDeterministic(t *testing.T) {
	cfg := synth.Config{Items: 50, Periods: 200, Seed: 11}
	a, b := generate(t, cfg), generate(t, cfg)
	for i := range a.Items {
		if !sameValues(a.Items[i].Values, b.Items[i].Values) {
			t.Fatalf("item %d differs between two runs with one seed", i)
		}
	}
	cfg.Seed = 12
	c := generate(t, cfg)
	if sameValues(a.Items[0].Values, c.Items[0].Values) {
		t.Error("seeds 11 and 12 gave the same first item")
	}
	// An item does not depend on how many items follow it.
	cfg.Seed, cfg.Items = 11, 10
	if d := generate(t, cfg); !sameValues(d.Items[3].Values, a.Items[3].Values) {
		t.Error("item 4 changed when the item count changed")
	}
}

func TestGenerateShape(t *testing.T) {
	start := time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		cfg       synth.Config
		freq      series.Frequency
		wantStart time.Time
	}{
		{synth.Config{Items: 7, Periods: 30, Seed: 1}, series.Daily, synth.DefaultStart},
		{synth.Config{Items: 3, Periods: 500, Seed: 1, Frequency: series.Hourly, Start: start}, series.Hourly, start},
		{synth.Config{Items: 12, Periods: 104, Seed: 1, Frequency: series.Weekly}, series.Weekly, synth.DefaultStart},
		{synth.Config{Items: 5, Periods: 48, Seed: 1, Frequency: series.Monthly}, series.Monthly, synth.DefaultStart},
		{synth.Config{Items: 5, Periods: 20, Seed: 1, Frequency: series.Quarterly}, series.Quarterly, synth.DefaultStart},
		{synth.Config{Items: 5, Periods: 10, Seed: 1, Frequency: series.Yearly}, series.Yearly, synth.DefaultStart},
		{synth.Config{Items: 1, Periods: 1, Seed: 1}, series.Daily, synth.DefaultStart},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%dx%d", tt.freq, tt.cfg.Items, tt.cfg.Periods), func(t *testing.T) {
			ds := generate(t, tt.cfg)
			if ds.Frequency != tt.freq || len(ds.Items) != tt.cfg.Items {
				t.Fatalf("got %d %s items, want %d %s", len(ds.Items), ds.Frequency, tt.cfg.Items, tt.freq)
			}
			for i, s := range ds.Items {
				if want := fmt.Sprintf("SKU-%05d", i+1); s.ID != want {
					t.Errorf("item %d ID = %q, want %q", i, s.ID, want)
				}
				if !s.Start.Equal(tt.wantStart) || len(s.Values) != tt.cfg.Periods {
					t.Errorf("%s: Start %v, %d values; want %v, %d", s.ID, s.Start, len(s.Values), tt.wantStart, tt.cfg.Periods)
				}
				assertQuantities(t, s)
			}
		})
	}
}

// assertQuantities checks every value is a non-negative whole number or
// missing.
func assertQuantities(t *testing.T, s series.Series) {
	t.Helper()
	for k, v := range s.Values {
		if !math.IsNaN(v) && (v < 0 || v != math.Trunc(v) || math.IsInf(v, 0)) {
			t.Fatalf("%s[%d] = %v, want a non-negative integer", s.ID, k, v)
		}
	}
}

func TestGenerateClassMix(t *testing.T) {
	ds := generate(t, synth.Config{Items: 2000, Periods: 730, Seed: 3})
	want := map[sample.DemandClass]float64{sample.Smooth: 0.40, sample.Erratic: 0.20, sample.Intermittent: 0.25, sample.Lumpy: 0.15}
	got := map[sample.DemandClass]int{}
	missing := 0
	for _, s := range ds.Items {
		got[sample.Classify(s.Values)]++
		assertQuantities(t, s)
		for _, v := range s.Values {
			if math.IsNaN(v) {
				missing++
			}
		}
	}
	for c, share := range want {
		// The generator aims at a class, the noise may carry an item over a
		// cut-off: allow 3 percentage points.
		if f := float64(got[c]) / float64(len(ds.Items)); math.Abs(f-share) > 0.03 {
			t.Errorf("%s: %.3f of items, want %.2f ± 0.03", c, f, share)
		}
	}
	if cells := len(ds.Items) * 730; missing == 0 || missing > cells/1000 {
		t.Errorf("%d of %d cells missing, want a few (at most 0.1%%)", missing, cells)
	}
}

func TestGenerateSeasonality(t *testing.T) {
	// Summed over many smooth-ish items, weekends sell more than midweek and
	// promotions make no weekday special, so the weekday pattern must show.
	ds := generate(t, synth.Config{Items: 300, Periods: 364, Seed: 5})
	var byDay [7]float64
	for _, s := range ds.Items {
		for k, v := range s.Values {
			if !math.IsNaN(v) {
				byDay[(int(s.Start.Weekday())+k)%7] += v
			}
		}
	}
	if byDay[time.Saturday] <= byDay[time.Wednesday] || byDay[time.Sunday] <= byDay[time.Tuesday] {
		t.Errorf("weekday totals %v: weekend not busier than midweek", byDay)
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	for _, cfg := range []synth.Config{
		{Items: 0, Periods: 10},
		{Items: 10, Periods: -1},
		{Items: 10, Periods: 10, Frequency: "fortnightly"},
		{Items: 1 << 20, Periods: 1 << 20},
	} {
		if _, err := synth.Generate(cfg); err == nil {
			t.Errorf("Generate(%+v) succeeded, want an error", cfg)
		}
	}
}

// BenchmarkGenerate covers the sizes of a demo, a mid-sized catalogue
// (3,707 items × 730 days) and an hourly dataset.
func BenchmarkGenerate(b *testing.B) {
	for _, cfg := range []synth.Config{
		{Items: 100, Periods: 730, Seed: 1},
		{Items: 3707, Periods: 730, Seed: 1},
		{Items: 400, Periods: 8760, Seed: 1, Frequency: series.Hourly},
	} {
		b.Run(fmt.Sprintf("%s/items=%d/periods=%d", cmpOr(cfg.Frequency, series.Daily), cfg.Items, cfg.Periods), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := synth.Generate(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func cmpOr(f, def series.Frequency) series.Frequency {
	if f == "" {
		return def
	}
	return f
}
