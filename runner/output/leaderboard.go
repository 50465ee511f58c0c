package output

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"

	"github.com/forecastrun/forecastrun/runner/tournament"
)

// writeLeaderboard writes one row per item: item_id,class,winner, one
// backtest score column per model in simplicity order (empty where the
// model was skipped or nothing could be scored), and a final failed column
// (true when every model failed and the forecast is the Naive fallback).
func (r Run) writeLeaderboard(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := append([]string{"item_id", "class", "winner"}, r.Result.Models...)
	if err := cw.Write(append(header, "failed")); err != nil {
		return err
	}
	row := make([]string, len(header)+1)
	for _, it := range r.Result.Items {
		row[0], row[1], row[2] = it.ID, string(it.Class), it.Winner
		for k, name := range r.Result.Models {
			row[3+k] = scoreCell(it.Scores, name)
		}
		row[len(row)-1] = strconv.FormatBool(it.Failed)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func scoreCell(scores map[string]tournament.Score, name string) string {
	s, ok := scores[name]
	if !ok || math.IsNaN(float64(s)) {
		return ""
	}
	return strconv.FormatFloat(float64(s), 'g', 8, 64) // +Inf prints as "+Inf"
}
