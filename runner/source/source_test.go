package source

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

func TestExactlyOneSource(t *testing.T) {
	tests := []struct {
		name string
		spec v1alpha1.Dataset
	}{
		{"none", v1alpha1.Dataset{}},
		{"two", v1alpha1.Dataset{URL: "http://x/y.csv", Synthetic: &v1alpha1.SyntheticSource{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Load(context.Background(), tc.spec, Options{}); !errors.Is(err, ErrNoSource) {
				t.Errorf("Load: %v, want ErrNoSource", err)
			}
		})
	}
}

func TestSynthetic(t *testing.T) {
	tests := []struct {
		name      string
		spec      v1alpha1.Dataset
		items     int
		periods   int
		frequency string
	}{
		{"explicit", v1alpha1.Dataset{Frequency: "daily", Synthetic: &v1alpha1.SyntheticSource{Items: 5, Periods: 30, Frequency: "weekly", Seed: 3}}, 5, 30, "weekly"},
		{"frequency from the dataset", v1alpha1.Dataset{Frequency: "monthly", Synthetic: &v1alpha1.SyntheticSource{Items: 2, Periods: 24}}, 2, 24, "monthly"},
		{"defaults", v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{}}, DefaultSyntheticItems, DefaultSyntheticPeriods, "daily"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := Load(context.Background(), tc.spec, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Items) != tc.items || len(ds.Items[0].Values) != tc.periods || string(ds.Frequency) != tc.frequency {
				t.Errorf("got %d items × %d %s periods, want %d × %d %s", len(ds.Items), len(ds.Items[0].Values),
					ds.Frequency, tc.items, tc.periods, tc.frequency)
			}
		})
	}
}

func TestSyntheticSeed(t *testing.T) {
	load := func(seed int64) float64 {
		ds, err := Load(context.Background(), v1alpha1.Dataset{Synthetic: &v1alpha1.SyntheticSource{Items: 3, Periods: 50, Seed: seed}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, v := range ds.Items[2].Values {
			if !math.IsNaN(v) {
				sum += v
			}
		}
		return sum
	}
	if load(1) != load(1) {
		t.Error("same seed, different data")
	}
	if load(1) == load(2) {
		t.Error("different seeds, same data")
	}
}
