package output

import (
	"encoding/json"
	"io"
	"math"

	"github.com/forecastrun/forecastrun/runner/series"
)

// Summary is the content of summary.json.
type Summary struct {
	Items  int `json:"items"`
	Failed int `json:"failed"`
	// NoBacktest counts the items too short for a backtest, forecast with
	// Naive (their leaderboard note says so).
	NoBacktest int            `json:"no_backtest"`
	Wins       map[string]int `json:"wins"`
	// MeanScore is the mean winning backtest score over the items with a
	// finite score (ScoredItems); null when there is none.
	MeanScore      *float64  `json:"mean_score"`
	ScoredItems    int       `json:"scored_items"`
	Metric         string    `json:"metric"`
	Horizon        int       `json:"horizon"`
	Season         int       `json:"season"`
	Windows        int       `json:"windows"`
	Levels         []float64 `json:"levels"`
	Quantiles      []float64 `json:"quantiles,omitempty"`
	Seconds        float64   `json:"seconds"`
	ItemsPerSecond float64   `json:"items_per_second"`
	Models         []string  `json:"models"`
	Input          string    `json:"input"`
	Mode           string    `json:"mode,omitempty"`
	Frequency      string    `json:"frequency,omitempty"`
	// BiasPercent is, per demand class, how far the winners' backtest
	// forecasts summed over the class's items were above (positive) or
	// below the actuals, in percent of the actuals.
	BiasPercent map[string]float64 `json:"bias_percent"`
	// Data says how the rows became series: the meaning of absent periods
	// and how many were filled, items extended to the last period, items
	// with negative or fractional values, and the frequency vote.
	Data series.Report `json:"data"`
}

// Summary builds the summary.json content of r.
func (r Run) Summary() Summary {
	s := r.Result.Summary
	out := Summary{
		Items: s.Items, Failed: s.Failed, NoBacktest: s.NoBacktest, Wins: s.Wins, ScoredItems: s.ScoredItems,
		Metric: string(r.Metric), Horizon: r.Horizon, Season: r.Season, Windows: r.Windows,
		Levels: r.Levels, Quantiles: r.Quantiles, Seconds: s.Seconds, ItemsPerSecond: s.ItemsPerSecond,
		Models: r.Result.Models, Input: r.Input, Mode: r.Mode, Frequency: string(r.Frequency),
		Data: r.Data, BiasPercent: map[string]float64{},
	}
	for c, b := range s.BiasPercent {
		out.BiasPercent[string(c)] = b
	}
	if !math.IsNaN(s.MeanScore) && !math.IsInf(s.MeanScore, 0) {
		mean := s.MeanScore
		out.MeanScore = &mean
	}
	return out
}

func (r Run) writeSummary(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.Summary())
}
