package series_test

import (
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
)

func TestFrequencyConventions(t *testing.T) {
	tests := []struct {
		f               series.Frequency
		season, horizon int
	}{
		{series.Hourly, 24, 48},
		{series.Daily, 7, 14},
		{series.Weekly, 52, 13},
		{series.Monthly, 12, 18},
		{series.Quarterly, 4, 8},
		{series.Yearly, 1, 6},
		{"", 1, 0},
		{"fortnightly", 1, 0},
	}
	for _, tt := range tests {
		if got := tt.f.SeasonLength(); got != tt.season {
			t.Errorf("%q.SeasonLength() = %d, want %d", tt.f, got, tt.season)
		}
		if got := tt.f.DefaultHorizon(); got != tt.horizon {
			t.Errorf("%q.DefaultHorizon() = %d, want %d", tt.f, got, tt.horizon)
		}
		if got, want := tt.f.Valid(), tt.horizon > 0; got != want {
			t.Errorf("%q.Valid() = %v, want %v", tt.f, got, want)
		}
	}
}

func TestParseFrequency(t *testing.T) {
	tests := []struct {
		in   string
		want series.Frequency
		ok   bool
	}{
		{"daily", series.Daily, true},
		{" Monthly ", series.Monthly, true},
		{"H", series.Hourly, true},
		{"annual", series.Yearly, true},
		{"q", series.Quarterly, true},
		{"week", series.Weekly, true},
		{"", "", false},
		{"fortnightly", "", false},
	}
	for _, tt := range tests {
		got, err := series.ParseFrequency(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseFrequency(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestStep(t *testing.T) {
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		f    series.Frequency
		from time.Time
		k    int
		want time.Time
	}{
		{series.Hourly, at(2024, 3, 1, 23), 2, at(2024, 3, 2, 1)},
		{series.Daily, at(2024, 2, 28, 0), 2, at(2024, 3, 1, 0)},
		{series.Daily, at(2024, 3, 1, 0), -1, at(2024, 2, 29, 0)},
		{series.Weekly, at(2024, 1, 3, 0), 5, at(2024, 2, 7, 0)},
		{series.Monthly, at(2023, 1, 31, 0), 1, at(2023, 2, 28, 0)},
		{series.Monthly, at(2023, 2, 28, 0), 1, at(2023, 3, 31, 0)}, // month end stays month end
		{series.Monthly, at(2023, 1, 15, 6), 13, at(2024, 2, 15, 6)},
		{series.Monthly, at(2023, 1, 15, 0), -13, at(2021, 12, 15, 0)},
		{series.Monthly, at(2024, 1, 30, 0), 1, at(2024, 2, 29, 0)},
		{series.Quarterly, at(2023, 11, 30, 0), 1, at(2024, 2, 29, 0)},
		{series.Yearly, at(2024, 2, 29, 0), 1, at(2025, 2, 28, 0)},
		{"", at(2024, 2, 29, 0), 5, at(2024, 2, 29, 0)},
	}
	for _, tt := range tests {
		if got := tt.f.Step(tt.from, tt.k); !got.Equal(tt.want) {
			t.Errorf("%q.Step(%v, %d) = %v, want %v", tt.f, tt.from, tt.k, got, tt.want)
		}
	}
}
