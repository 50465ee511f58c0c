package checkpoint

import (
	"math"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
)

func TestFingerprintSeesEveryField(t *testing.T) {
	base := Run{Dataset: "d", Mode: "Full", Seed: 1, Horizon: 14, Season: 7, Windows: 3, Step: 14,
		Metric: "MASE", Models: []string{"Naive", "SES"}, Levels: []float64{80, 95}, Shards: 3}
	tests := []struct {
		name   string
		change func(*Run)
	}{
		{"dataset", func(r *Run) { r.Dataset = "e" }},
		{"mode", func(r *Run) { r.Mode = "Sample" }},
		{"seed", func(r *Run) { r.Seed = 2 }},
		{"horizon", func(r *Run) { r.Horizon = 7 }},
		{"season", func(r *Run) { r.Season = 1 }},
		{"windows", func(r *Run) { r.Windows = 2 }},
		{"step", func(r *Run) { r.Step = 7 }},
		{"metric", func(r *Run) { r.Metric = "RMSE" }},
		{"models", func(r *Run) { r.Models = []string{"Naive"} }},
		{"levels", func(r *Run) { r.Levels = []float64{90} }},
		{"shards", func(r *Run) { r.Shards = 2 }},
	}
	if base.Fingerprint() != base.Fingerprint() {
		t.Fatal("fingerprint is not stable")
	}
	for _, tc := range tests {
		r := base
		tc.change(&r)
		if r.Fingerprint() == base.Fingerprint() {
			t.Errorf("changing %s keeps the fingerprint", tc.name)
		}
	}
}

func TestDatasetDigest(t *testing.T) {
	mk := func() *series.Dataset {
		return &series.Dataset{Frequency: series.Daily, Items: []series.Series{
			{ID: "a", Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Values: []float64{1, math.NaN(), 3}},
		}}
	}
	base := DatasetDigest(mk())
	if DatasetDigest(mk()) != base {
		t.Fatal("digest is not stable")
	}
	tests := []struct {
		name   string
		change func(*series.Dataset)
	}{
		{"value", func(d *series.Dataset) { d.Items[0].Values[2] = 4 }},
		{"missing value", func(d *series.Dataset) { d.Items[0].Values[1] = 0 }},
		{"id", func(d *series.Dataset) { d.Items[0].ID = "b" }},
		{"start", func(d *series.Dataset) { d.Items[0].Start = d.Items[0].Start.AddDate(0, 0, 1) }},
		{"frequency", func(d *series.Dataset) { d.Frequency = series.Weekly }},
		{"extra item", func(d *series.Dataset) { d.Items = append(d.Items, series.Series{ID: "z"}) }},
	}
	for _, tc := range tests {
		d := mk()
		tc.change(d)
		if DatasetDigest(d) == base {
			t.Errorf("changing the %s keeps the digest", tc.name)
		}
	}
}
