package report

import (
	"cmp"
	"hash/fnv"
	"slices"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// pickItems chooses up to n plottable items: round-robin over the demand
// classes so that each class shows, and within a class by a hash of the
// ID so that the choice is deterministic yet not always the first items of
// the file. The result is grouped by class.
func pickItems(res *tournament.Result, nItems, n int) []tournament.ItemResult {
	groups := map[sample.DemandClass][]tournament.ItemResult{}
	for _, it := range res.Items {
		if it.Index >= 0 && it.Index < nItems && len(it.Forecast.Mean) > 0 {
			groups[it.Class] = append(groups[it.Class], it)
		}
	}
	classes, _ := classCounts(res.Items)
	for _, c := range classes {
		slices.SortFunc(groups[c], func(a, b tournament.ItemResult) int {
			return cmp.Or(cmp.Compare(idHash(a.ID), idHash(b.ID)), cmp.Compare(a.ID, b.ID))
		})
	}
	var picked []tournament.ItemResult
	for round := 0; len(picked) < n; round++ {
		added := false
		for _, c := range classes {
			if round < len(groups[c]) && len(picked) < n {
				picked = append(picked, groups[c][round])
				added = true
			}
		}
		if !added {
			break
		}
	}
	slices.SortStableFunc(picked, func(a, b tournament.ItemResult) int {
		return cmp.Compare(slices.Index(classes, a.Class), slices.Index(classes, b.Class))
	})
	return picked
}

// idHash is FNV-1a followed by the murmur3 finaliser: FNV alone leaves
// IDs that differ only in their last characters (SKU-00141, SKU-00142)
// next to each other in hash order, so the plots would show neighbours.
func idHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	x := h.Sum64()
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}
