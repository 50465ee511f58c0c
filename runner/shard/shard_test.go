package shard

import (
	"fmt"
	"math"
	"testing"

	"github.com/forecastrun/forecastrun/runner/series"
)

// The golden values pin the assignment: changing them breaks resuming from
// checkpoints written by an earlier release. Each is also checked against
// golden below, a direct transcription of the FNV-1a 64 definition
// (offset basis 14695981039346656037, prime 1099511628211) that does not
// use hash/fnv.
func TestOfGolden(t *testing.T) {
	tests := []struct {
		id     string
		shards int
		want   int
	}{
		{"SKU-00001", 3, 1},
		{"SKU-00001", 10, 6},
		{"SKU-03707", 3, 2},
		{"SKU-03707", 10, 4},
		{"item_42", 3, 0},
		{"item_42", 10, 5},
		{"店舗-7", 3, 2}, // UTF-8 bytes, not runes
		{"店舗-7", 10, 6},
		{"item_42", 1, 0},
		{"item_42", 0, 0},
	}
	for _, tc := range tests {
		if got := Of(tc.id, tc.shards); got != tc.want {
			t.Errorf("Of(%q, %d) = %d, want %d", tc.id, tc.shards, got, tc.want)
		}
		if tc.shards > 1 && golden(tc.id, tc.shards) != tc.want {
			t.Errorf("golden value for %q is not FNV-1a 64", tc.id)
		}
	}
}

func golden(id string, shards int) int {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return int(h % uint64(shards))
}

func TestOfFixedValues(t *testing.T) {
	// Literal values: the contract itself, not just agreement of two codes.
	tests := []struct {
		id   string
		hash uint64
	}{
		{"", 0xcbf29ce484222325},
		{"a", 0xaf63dc4c8601ec8c},
		{"foobar", 0x85944171f73967e8},
	}
	for _, tc := range tests {
		for _, n := range []int{2, 3, 10, 1000} {
			want := int(tc.hash % uint64(n))
			if got := Of(tc.id, n); got != want {
				t.Errorf("Of(%q, %d) = %d, want %d", tc.id, n, got, want)
			}
		}
	}
}

func TestBalance(t *testing.T) {
	const ids = 10000
	for _, shards := range []int{2, 3, 4, 7, 10} {
		counts := make([]int, shards)
		for i := range ids {
			counts[Of(fmt.Sprintf("SKU-%05d", i), shards)]++
		}
		want := float64(ids) / float64(shards)
		for s, c := range counts {
			if dev := math.Abs(float64(c)-want) / want; dev > 0.05 {
				t.Errorf("%d shards: shard %d has %d items, %.1f%% from the mean %.0f", shards, s, c, 100*dev, want)
			}
		}
	}
}

func TestFilterPartitions(t *testing.T) {
	items := make([]series.Series, 500)
	for i := range items {
		items[i].ID = fmt.Sprintf("item-%d", i)
	}
	for _, count := range []int{1, 2, 3, 5} {
		seen := map[string]int{}
		for index := range count {
			prev := -1
			for _, it := range Filter(items, index, count) {
				seen[it.ID]++
				var n int
				fmt.Sscanf(it.ID, "item-%d", &n)
				if n <= prev {
					t.Fatalf("count %d shard %d: input order lost at %s", count, index, it.ID)
				}
				prev = n
			}
		}
		for _, it := range items {
			if seen[it.ID] != 1 {
				t.Errorf("count %d: %s is in %d shards, want 1", count, it.ID, seen[it.ID])
			}
		}
	}
}

func BenchmarkOf(b *testing.B) {
	for b.Loop() {
		Of("SKU-0001234", 3)
	}
}
