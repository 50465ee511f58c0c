package output

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/forecastrun/forecastrun/runner/tournament"
)

// writeLeaderboard writes one row per item: item_id,class,winner, one
// backtest score column per candidate in simplicity order (empty where the
// model was skipped, did not suit the item's demand class, or nothing
// could be scored), a failed column (true when every model failed and the
// forecast is the Naive fallback), the winner's bias, the ensemble's
// members when it won (joined by "+"), and one bias column per candidate
// (<name>_bias), and a note on an item forecast without a backtest or
// that failed. A bias is the scaled mean error over the backtest
// (metrics.Bias): positive when the forecasts were too high.
func (r Run) writeLeaderboard(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := r.leaderboardHeader()
	if err := cw.Write(header); err != nil {
		return err
	}
	row := make([]string, len(header))
	for _, it := range r.Result.Items {
		if err := r.writeLeaderboardRow(cw, row, it); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func (r Run) leaderboardHeader() []string {
	models := r.Result.Models
	header := append([]string{"item_id", "class", "winner"}, models...)
	header = append(header, "failed", "bias", "members")
	for _, name := range models {
		header = append(header, name+"_bias")
	}
	return append(header, "note")
}

// writeLeaderboardRow writes item it's row through row, which has the
// header's length.
func (r Run) writeLeaderboardRow(cw *csv.Writer, row []string, it tournament.ItemResult) error {
	models := r.Result.Models
	row[0], row[1], row[2] = it.ID, string(it.Class), it.Winner
	for k, name := range models {
		row[3+k] = scoreCell(it.Scores, name)
		row[6+len(models)+k] = scoreCell(it.Biases, name)
	}
	row[3+len(models)] = strconv.FormatBool(it.Failed)
	row[4+len(models)] = formatScore(it.Bias)
	row[5+len(models)] = strings.Join(it.EnsembleMembers, "+")
	row[len(row)-1] = it.Note
	return cw.Write(row)
}

func scoreCell(scores map[string]tournament.Score, name string) string {
	s, ok := scores[name]
	if !ok {
		return ""
	}
	return formatScore(s)
}

// formatScore writes a score, empty for NaN (nothing scored); +Inf prints
// as "+Inf".
func formatScore(s tournament.Score) string {
	if math.IsNaN(float64(s)) {
		return ""
	}
	return strconv.FormatFloat(float64(s), 'g', 8, 64)
}
