package report

import (
	"cmp"
	"slices"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// Tally is what the report's tables and its choice of plots read of a
// run's items, gathered one item at a time, so that a merge of a million
// items holds a score per item rather than the items themselves.
type Tally struct {
	items, inRange, plots int
	classes               map[sample.DemandClass]int
	// scores are each winner's scores in item order.
	scores map[string][]float64
	wins   map[string]map[sample.DemandClass]int
	// candidates are each class's first items in plot order (see
	// pickItems), at most plots of them: no round of the pick takes more.
	candidates map[sample.DemandClass][]tournament.ItemResult
}

// NewTally starts a tally for a report of Input.Items of length items and
// Input.Plots plots.
func NewTally(items, plots int) *Tally {
	n := cmp.Or(plots, DefaultPlots)
	return &Tally{inRange: items, plots: n, classes: map[sample.DemandClass]int{}, scores: map[string][]float64{},
		wins: map[string]map[sample.DemandClass]int{}, candidates: map[sample.DemandClass][]tournament.ItemResult{}}
}

// TallyOf tallies every item of res.
func TallyOf(res *tournament.Result, items, plots int) *Tally {
	t := NewTally(items, plots)
	for _, it := range res.Items {
		t.Add(it)
	}
	return t
}

// Add counts one item. A plotted item keeps what it is given, which must
// hold the forecast when the report is rendered (see Keep).
func (t *Tally) Add(it tournament.ItemResult) {
	t.items++
	t.classes[it.Class]++
	if it.Winner != "" {
		t.scores[it.Winner] = append(t.scores[it.Winner], float64(it.Score))
		if t.wins[it.Winner] == nil {
			t.wins[it.Winner] = map[sample.DemandClass]int{}
		}
		t.wins[it.Winner][it.Class]++
	}
	if t.plots > 0 && it.Index >= 0 && it.Index < t.inRange && len(it.Forecast.Mean) > 0 {
		t.candidates[it.Class] = insertCandidate(t.candidates[it.Class], it, t.plots)
	}
}

// insertCandidate puts it in its place in plot order and drops what falls
// beyond the first n.
func insertCandidate(list []tournament.ItemResult, it tournament.ItemResult, n int) []tournament.ItemResult {
	at := len(list)
	for at > 0 && comparePlotOrder(it, list[at-1]) < 0 {
		at--
	}
	if at >= n {
		return list
	}
	list = slices.Insert(list, at, it)
	return list[:min(len(list), n)]
}

func comparePlotOrder(a, b tournament.ItemResult) int {
	return cmp.Or(cmp.Compare(idHash(a.ID), idHash(b.ID)), cmp.Compare(a.ID, b.ID))
}

// Plotted lists the IDs of the items the report plots.
func (t *Tally) Plotted() []string {
	var ids []string
	for _, it := range t.picks() {
		ids = append(ids, it.ID)
	}
	return ids
}

// Keep replaces a plotted item's result by it, the full result with its
// intervals, for a caller that added a compact one.
func (t *Tally) Keep(it tournament.ItemResult) {
	list := t.candidates[it.Class]
	for i := range list {
		if list[i].ID == it.ID && list[i].Index == it.Index {
			list[i] = it
		}
	}
}
