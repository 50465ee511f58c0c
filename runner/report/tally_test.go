package report

import (
	"bytes"
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// TestTallyRendersAsTheItems renders a report from a tally fed compact
// items one at a time, with the plotted ones kept in full afterwards, as a
// merge does, and from the whole result: the pages must be identical.
func TestTallyRendersAsTheItems(t *testing.T) {
	in := runTournament(t, 60, 120)
	want := renderBytes(t, in)

	tally := NewTally(len(in.Items), 0)
	for _, it := range in.Result.Items {
		compact := tournament.ItemResult{Index: it.Index, ID: it.ID, Class: it.Class, Winner: it.Winner, Score: it.Score}
		if len(it.Forecast.Mean) > 0 {
			compact.Forecast.Mean = []float64{0}
		}
		tally.Add(compact)
	}
	plotted := tally.Plotted()
	if len(plotted) != DefaultPlots {
		t.Fatalf("%d plotted items, want %d", len(plotted), DefaultPlots)
	}
	for _, it := range in.Result.Items {
		if slices.Contains(plotted, it.ID) {
			tally.Keep(it)
		}
	}
	streamed := in
	streamed.Result = &tournament.Result{Models: in.Result.Models, Summary: in.Result.Summary}
	streamed.Tally = tally
	if got := renderBytes(t, streamed); !bytes.Equal(got, want) {
		t.Fatalf("the tallied report differs from the whole result's (%d bytes against %d)", len(got), len(want))
	}
}

// TestTallyPicksAsSortingEveryItem checks that keeping each class's first
// few items in plot order picks what sorting all of them picks, whatever
// the order the items arrive in.
func TestTallyPicksAsSortingEveryItem(t *testing.T) {
	in := fakeInput(500, 10, 3)
	for i := range in.Result.Items {
		in.Result.Items[i].Class = sample.Classes[(i*i)%len(sample.Classes)] // uneven classes
	}
	want := pickBySorting(in.Result.Items, 12)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		rng.Shuffle(len(in.Result.Items), func(i, j int) {
			in.Result.Items[i], in.Result.Items[j] = in.Result.Items[j], in.Result.Items[i]
		})
		got := TallyOf(in.Result, len(in.Items), 12).Plotted()
		if !slices.Equal(got, want) {
			t.Fatalf("picked %v, want %v", got, want)
		}
	}
}

// pickBySorting is the pick over every item: each class's items sorted
// in plot order, taken round-robin over the classes.
func pickBySorting(items []tournament.ItemResult, n int) []string {
	groups := map[sample.DemandClass][]tournament.ItemResult{}
	for _, it := range items {
		groups[it.Class] = append(groups[it.Class], it)
	}
	var ids []string
	for round := 0; len(ids) < n; round++ {
		for _, c := range sample.Classes {
			g := slices.SortedFunc(slices.Values(groups[c]), comparePlotOrder)
			if round < len(g) && len(ids) < n {
				ids = append(ids, g[round].ID)
			}
		}
	}
	slices.SortStableFunc(ids, func(a, b string) int {
		return cmp.Compare(classOf(items, a), classOf(items, b))
	})
	return ids
}

func classOf(items []tournament.ItemResult, id string) int {
	i := slices.IndexFunc(items, func(it tournament.ItemResult) bool { return it.ID == id })
	return slices.Index(sample.Classes, items[i].Class)
}

func renderBytes(t *testing.T, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
