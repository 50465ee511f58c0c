package output

import (
	"encoding/json"
	"io"
	"math"
)

// Summary is the content of summary.json.
type Summary struct {
	Items  int            `json:"items"`
	Failed int            `json:"failed"`
	Wins   map[string]int `json:"wins"`
	// MeanScore is the mean winning backtest score over the items with a
	// finite score (ScoredItems); null when there is none.
	MeanScore      *float64  `json:"mean_score"`
	ScoredItems    int       `json:"scored_items"`
	Metric         string    `json:"metric"`
	Horizon        int       `json:"horizon"`
	Season         int       `json:"season"`
	Windows        int       `json:"windows"`
	Levels         []float64 `json:"levels"`
	Seconds        float64   `json:"seconds"`
	ItemsPerSecond float64   `json:"items_per_second"`
	Models         []string  `json:"models"`
	Input          string    `json:"input"`
	Mode           string    `json:"mode,omitempty"`
	Frequency      string    `json:"frequency,omitempty"`
}

// Summary builds the summary.json content of r.
func (r Run) Summary() Summary {
	s := r.Result.Summary
	out := Summary{
		Items: s.Items, Failed: s.Failed, Wins: s.Wins, ScoredItems: s.ScoredItems,
		Metric: string(r.Metric), Horizon: r.Horizon, Season: r.Season, Windows: r.Windows,
		Levels: r.Levels, Seconds: s.Seconds, ItemsPerSecond: s.ItemsPerSecond,
		Models: r.Result.Models, Input: r.Input, Mode: r.Mode, Frequency: string(r.Frequency),
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
