package report

import (
	"cmp"
	"slices"
	"strconv"
)

// leaderboard is the wins table and its two charts.
type leaderboard struct {
	Rows   []modelRow
	Wins   barChart
	Scores boxChart
	Items  int
}

// modelRow is one model's line of the wins table.
type modelRow struct {
	Name                string
	Wins                int
	Share               string
	Median, P25, P75    string
	Mean                string
	scores              []float64 // finite winning scores, ascending
	median, p10, p90    float64
	p25, p75            float64
	hasScores, isWinner bool
}

func buildLeaderboard(models []string, t *Tally) leaderboard {
	rows := modelRows(models, t)
	return leaderboard{
		Rows:   rows,
		Wins:   winsChart(rows),
		Scores: scoresChart(rows),
		Items:  t.items,
	}
}

// modelRows lists every candidate, most wins first, ties in the
// tournament's simplicity order.
func modelRows(models []string, t *Tally) []modelRow {
	scores := t.scores
	names := slices.Clone(models)
	for name := range scores {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	rows := make([]modelRow, len(names))
	for i, name := range names {
		rows[i] = newModelRow(name, scores[name], t.items)
	}
	slices.SortStableFunc(rows, func(a, b modelRow) int { return cmp.Compare(b.Wins, a.Wins) })
	return rows
}

func newModelRow(name string, scores []float64, items int) modelRow {
	r := modelRow{Name: name, Wins: len(scores), Share: percent(len(scores), items), isWinner: len(scores) > 0}
	r.scores = finiteSorted(scores)
	r.hasScores = len(r.scores) > 0
	r.median, r.p10, r.p90 = quantile(r.scores, 0.5), quantile(r.scores, 0.1), quantile(r.scores, 0.9)
	r.p25, r.p75 = quantile(r.scores, 0.25), quantile(r.scores, 0.75)
	r.Median, r.P25, r.P75 = formatScore(r.median), formatScore(r.p25), formatScore(r.p75)
	r.Mean = formatScore(mean(r.scores))
	return r
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// barChart is a horizontal bar chart of wins per model.
type barChart struct {
	Width, Height float64
	Bars          []bar
}

type bar struct {
	Label, Value string
	Y, Width     float64
	TextX, TextY float64
}

const (
	chartWidth = 560.0
	labelWidth = 150.0
	rowHeight  = 24.0
	barArea    = chartWidth - labelWidth - 56
)

func winsChart(rows []modelRow) barChart {
	var most int
	for _, r := range rows {
		most = max(most, r.Wins)
	}
	c := barChart{Width: chartWidth}
	for _, r := range rows {
		if r.Wins == 0 {
			continue
		}
		y := 8 + float64(len(c.Bars))*rowHeight
		w := barArea * float64(r.Wins) / float64(most)
		c.Bars = append(c.Bars, bar{Label: r.Name, Value: strconv.Itoa(r.Wins),
			Y: y, Width: w, TextX: labelWidth + w + 6, TextY: y + 12})
	}
	c.Height = 16 + float64(len(c.Bars))*rowHeight
	return c
}
