package report

import (
	"cmp"
	"hash/fnv"
	"slices"

	"github.com/forecastrun/forecastrun/runner/tournament"
)

// picks chooses up to the tally's number of plottable items: round-robin
// over the demand classes so that each class shows, and within a class by
// a hash of the ID so that the choice is deterministic yet not always the
// first items of the file. The result is grouped by class.
func (t *Tally) picks() []tournament.ItemResult {
	classes := t.classOrder()
	var picked []tournament.ItemResult
	for round := 0; len(picked) < t.plots; round++ {
		added := false
		for _, c := range classes {
			if group := t.candidates[c]; round < len(group) && len(picked) < t.plots {
				picked = append(picked, group[round])
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
