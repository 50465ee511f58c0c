package report

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"time"
)

// page is everything the template shows, computed up front so that the
// template only lays it out.
type page struct {
	Title   string
	Dataset string
	Metric  string
	Facts   []fact
	Board   leaderboard
	Mix     classMix
	Plots   []itemPlot
	Legend  []legendEntry
	Created string
}

// fact is one labelled figure in the page header.
type fact struct {
	Label, Value, Note string
}

func buildPage(in Input) page {
	t := in.Tally
	if t == nil {
		t = TallyOf(in.Result, len(in.Items), in.Plots)
	}
	p := page{
		Title:   "Forecast report",
		Dataset: in.Dataset,
		Metric:  cmp.Or(string(in.Metric), "score"),
		Facts:   facts(in),
		Board:   buildLeaderboard(in.Result.Models, t),
		Mix:     buildClassMix(in.Result.Models, t),
		Plots:   buildPlots(in, t),
	}
	if in.RunName != "" {
		p.Title = "Forecast report: " + in.RunName
	}
	if len(p.Plots) > 0 {
		p.Legend = legend(p.Plots)
	}
	if !in.Created.IsZero() {
		p.Created = in.Created.UTC().Format(time.RFC3339)
	}
	return p
}

func facts(in Input) []fact {
	s := in.Result.Summary
	out := []fact{
		{"Items forecast", strconv.Itoa(s.Items), itemsNote(in)},
		{"Failed", strconv.Itoa(s.Failed), "fell back to Naive"},
		{"Mode", orDash(in.Mode), ""},
		{"Metric", orDash(string(in.Metric)), "mean " + formatScore(s.MeanScore)},
		{"Horizon", positive(in.Horizon), seasonNote(in.Season)},
		{"Time", formatSeconds(s.Seconds), formatRate(s.ItemsPerSecond)},
	}
	return out
}

func itemsNote(in Input) string {
	switch {
	case in.DatasetItems > 0 && len(in.Items) > 0:
		return fmt.Sprintf("of %d sampled, %d in dataset", len(in.Items), in.DatasetItems)
	case len(in.Items) > 0:
		return fmt.Sprintf("of %d sampled", len(in.Items))
	case in.DatasetItems > 0:
		return fmt.Sprintf("%d in dataset", in.DatasetItems)
	}
	return ""
}

func seasonNote(season int) string {
	if season <= 0 {
		return ""
	}
	return "season " + strconv.Itoa(season)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func positive(n int) string {
	if n <= 0 {
		return "–"
	}
	return strconv.Itoa(n)
}

func formatSeconds(s float64) string {
	if s <= 0 {
		return "–"
	}
	return strconv.FormatFloat(s, 'f', 1, 64) + " s"
}

func formatRate(r float64) string {
	if r <= 0 {
		return ""
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + " items/s"
}

// formatScore prints a score with three significant digits, or a dash.
func formatScore(x float64) string {
	switch {
	case math.IsNaN(x):
		return "–"
	case math.IsInf(x, 0):
		return "∞"
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// percent formats part/whole as a percentage with one decimal.
func percent(part, whole int) string {
	if whole == 0 {
		return "–"
	}
	return strconv.FormatFloat(100*float64(part)/float64(whole), 'f', 1, 64) + "%"
}
