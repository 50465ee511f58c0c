package sample

import (
	"cmp"
	"slices"

	"github.com/forecastrun/forecastrun/runner/series"
)

// Select chooses n items of ds and returns their indexes in ascending
// order; n <= 0 or n >= the number of items selects all of them. The
// sample is stratified by demand class: each class gets its share of n by
// largest-remainder allocation, so the sample keeps the dataset's mix to
// within one item per class. Within a class the items with the lowest
// seeded hash of their ID are taken, so the choice depends only on the
// item IDs, their values and the seed, not on the order of the file.
func Select(ds *series.Dataset, n int, seed uint64) []int {
	return selectBy(len(ds.Items), n, seed, func(i int) (string, DemandClass) {
		return ds.Items[i].ID, Classify(ds.Items[i].Values)
	})
}

// SelectSummary is Select over an input read a share at a time: it picks
// the same items from the summary of the whole input that Select picks
// from the whole dataset, so every shard draws the same sample.
func SelectSummary(sum *series.Summary, n int, seed uint64) []int {
	return selectBy(len(sum.Items), n, seed, func(i int) (string, DemandClass) {
		return sum.Items[i].ID, ClassifySizes(sum.Demand[i])
	})
}

// selectBy draws n of count items, each known by its ID and class.
func selectBy(count, n int, seed uint64, item func(i int) (string, DemandClass)) []int {
	if n <= 0 || n >= count {
		all := make([]int, count)
		for i := range all {
			all[i] = i
		}
		return all
	}
	strata := make([][]ranked, len(Classes))
	for i := range count {
		id, class := item(i)
		c := slices.Index(Classes, class)
		strata[c] = append(strata[c], ranked{index: i, id: id, hash: hashID(id, seed)})
	}
	quotas := allocate(n, strataSizes(strata))
	chosen := make([]int, 0, n)
	for c, members := range strata {
		slices.SortFunc(members, compareRanked)
		for _, m := range members[:quotas[c]] {
			chosen = append(chosen, m.index)
		}
	}
	slices.Sort(chosen)
	return chosen
}

// ranked is an item with its place in the draw.
type ranked struct {
	index int
	id    string
	hash  uint64
}

// compareRanked orders by hash, then ID, then index, so equal hashes (and
// repeated IDs) still order the same way every time.
func compareRanked(a, b ranked) int {
	return cmp.Or(cmp.Compare(a.hash, b.hash), cmp.Compare(a.id, b.id), cmp.Compare(a.index, b.index))
}

func strataSizes(strata [][]ranked) []int {
	sizes := make([]int, len(strata))
	for i, s := range strata {
		sizes[i] = len(s)
	}
	return sizes
}

// allocate splits n over strata in proportion to their sizes by the
// largest-remainder (Hamilton) method: each stratum gets the floor of its
// exact share, and the items left over go to the largest fractional
// remainders, ties to the earlier stratum. Needs 0 < n <= sum(sizes).
func allocate(n int, sizes []int) []int {
	total := 0
	for _, s := range sizes {
		total += s
	}
	quotas := make([]int, len(sizes))
	remainders := make([]int, len(sizes)) // numerators over total, exact in integers
	given := 0
	for i, s := range sizes {
		quotas[i] = n * s / total
		remainders[i] = n*s - quotas[i]*total
		given += quotas[i]
	}
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(remainders[b], remainders[a]) })
	for _, i := range order[:n-given] {
		quotas[i]++
	}
	return quotas
}

// hashID is FNV-1a over the seed and the ID, then the SplitMix64 finaliser
// so that IDs differing in one character land far apart. maphash would be
// quicker but is seeded randomly per process, and the draw must repeat.
func hashID(id string, seed uint64) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	for i := 0; i < 8; i++ {
		h = (h ^ (seed >> (8 * i) & 0xff)) * prime
	}
	for i := 0; i < len(id); i++ {
		h = (h ^ uint64(id[i])) * prime
	}
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// Items returns the series Select picks, in dataset order. The API's
// itemLimit, when set, replaces the mode's count as n, so a limited run is
// still a stratified sample rather than the first items of the file.
func Items(ds *series.Dataset, n int, seed uint64) []series.Series {
	idx := Select(ds, n, seed)
	items := make([]series.Series, len(idx))
	for k, i := range idx {
		items[k] = ds.Items[i]
	}
	return items
}
