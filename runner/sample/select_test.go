package sample_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
)

func generate(t testing.TB, items int) *series.Dataset {
	t.Helper()
	ds, err := synth.Generate(synth.Config{Items: items, Periods: 365, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func ids(ds *series.Dataset, idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = ds.Items[j].ID
	}
	slices.Sort(out)
	return out
}

func classCounts(ds *series.Dataset, idx []int) map[sample.DemandClass]int {
	counts := map[sample.DemandClass]int{}
	for _, i := range idx {
		counts[sample.Classify(ds.Items[i].Values)]++
	}
	return counts
}

func TestSelectDeterministic(t *testing.T) {
	ds := generate(t, 400)
	a, b := sample.Select(ds, 50, 1), sample.Select(ds, 50, 1)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed gave %v and %v", a, b)
	}
	if c := sample.Select(ds, 50, 2); slices.Equal(a, c) {
		t.Errorf("seeds 1 and 2 chose the same items")
	}
	if len(a) != 50 || !slices.IsSorted(a) || len(slices.Compact(slices.Clone(a))) != 50 {
		t.Errorf("Select returned %v, want 50 distinct ascending indexes", a)
	}
}

func TestSelectIgnoresItemOrder(t *testing.T) {
	ds := generate(t, 400)
	shuffled := &series.Dataset{Frequency: ds.Frequency, Items: slices.Clone(ds.Items)}
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(shuffled.Items), func(i, j int) {
		shuffled.Items[i], shuffled.Items[j] = shuffled.Items[j], shuffled.Items[i]
	})
	for _, n := range []int{1, 37, 100, 399} {
		got, want := ids(shuffled, sample.Select(shuffled, n, 9)), ids(ds, sample.Select(ds, n, 9))
		if !slices.Equal(got, want) {
			t.Errorf("n=%d: shuffling the items changed the sample", n)
		}
	}
}

func TestSelectKeepsMix(t *testing.T) {
	ds := generate(t, 1000)
	all := sample.Select(ds, 0, 1)
	population := classCounts(ds, all)
	for _, n := range []int{1, 10, 100, 333, 500, 999} {
		got := classCounts(ds, sample.Select(ds, n, 5))
		total := 0
		for _, c := range sample.Classes {
			exact := float64(n) * float64(population[c]) / float64(len(ds.Items))
			if diff := float64(got[c]) - exact; diff <= -1 || diff >= 1 {
				t.Errorf("n=%d: %d %s items, want %.2f ± 1", n, got[c], c, exact)
			}
			total += got[c]
		}
		if total != n {
			t.Errorf("n=%d: selected %d items", n, total)
		}
	}
}

func TestSelectAll(t *testing.T) {
	ds := generate(t, 30)
	for _, n := range []int{-1, 0, 30, 31, 1000} {
		got := sample.Select(ds, n, 1)
		if len(got) != 30 || !slices.IsSorted(got) || got[0] != 0 || got[29] != 29 {
			t.Errorf("Select(n=%d) = %v, want every index", n, got)
		}
	}
	if got := sample.Select(&series.Dataset{}, 10, 1); len(got) != 0 {
		t.Errorf("Select on an empty dataset = %v", got)
	}
}

func BenchmarkSelect(b *testing.B) {
	for _, items := range []int{1000, 10000} {
		ds := generate(b, items)
		b.Run(fmt.Sprintf("items=%d", items), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sample.Select(ds, 500, 1)
			}
		})
	}
}

func TestItemsAreTheSelectedSeries(t *testing.T) {
	ds := generate(t, 300)
	idx := sample.Select(ds, 40, 3)
	items := sample.Items(ds, 40, 3)
	got := make([]string, len(items))
	for i, s := range items {
		got[i] = s.ID
	}
	if want := ids(ds, idx); !slices.Equal(got, want) {
		t.Errorf("Items = %v, want the series of Select: %v", got, want)
	}
}
