package shard

import (
	"hash/fnv"

	"github.com/forecastrun/forecastrun/runner/series"
)

// Of returns the shard, in [0, shards), that owns itemID.
//
// The assignment is part of the on-disk and API contract: checkpoints and
// per-shard progress are keyed by it, so it must never change between
// releases. It is the 64-bit FNV-1a hash of the ID's UTF-8 bytes, taken
// modulo shards (as unsigned integers). Of returns 0 when shards < 2.
func Of(itemID string, shards int) int {
	if shards < 2 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(itemID)) // never fails
	return int(h.Sum64() % uint64(shards))
}

// Filter returns the items owned by shard index of count, in their input
// order; the series' values are shared, not copied. With count < 2 it
// returns items itself.
func Filter(items []series.Series, index, count int) []series.Series {
	if count < 2 {
		return items
	}
	out := make([]series.Series, 0, len(items)/count+1)
	for _, it := range items {
		if Of(it.ID, count) == index {
			out = append(out, it)
		}
	}
	return out
}
