package series

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestItemIndexTellsCollidingIDsApart: IDs that share a hash keep their
// own positions.
func TestItemIndexTellsCollidingIDsApart(t *testing.T) {
	x := newItemIndex()
	x.hash = func(string) uint64 { return 7 } // every ID collides
	var ids []string
	idOf := func(i int32) string { return ids[i] }
	for _, id := range []string{"a", "b", "c"} {
		if i, _, ok := x.find(id, idOf); ok {
			t.Fatalf("find(%q) = %d before it was added", id, i)
		}
		_, h, _ := x.find(id, idOf)
		x.add(id, h, int32(len(ids)))
		ids = append(ids, id)
	}
	for want, id := range ids {
		if i, _, ok := x.find(id, idOf); !ok || int(i) != want {
			t.Errorf("find(%q) = %d, %v; want %d", id, i, ok, want)
		}
	}
	if i, _, ok := x.find("d", idOf); ok {
		t.Errorf("find(%q) = %d for an ID never added", "d", i)
	}
}

// TestShareReadWithCollidingHashes reads rows sorted by date, so that
// every row looks its item up, with an index whose hashes all collide,
// and checks that the share read is the one an index without collisions
// gives.
func TestShareReadWithCollidingHashes(t *testing.T) {
	var b strings.Builder
	b.WriteString("item_id,date,quantity\n")
	for d := 1; d <= 9; d++ {
		for i := range 12 {
			if (i+d)%5 != 0 { // sparse: some items skip some days
				fmt.Fprintf(&b, "item-%02d,2024-03-%02d,%d\n", i, d, (i*d)%7)
			}
		}
	}
	shareRead := func(collide bool) *Dataset {
		t.Helper()
		opts := ReadOptions{Keep: func(id string) bool { return strings.HasSuffix(id, "3") || strings.HasSuffix(id, "8") }}
		l, err := newLoader("dates.csv", opts)
		if err != nil {
			t.Fatal(err)
		}
		if collide {
			l.scan.index.hash = func(id string) uint64 { return uint64(len(id)) }
		}
		if err := l.readRows(strings.NewReader(b.String())); err != nil {
			t.Fatal(err)
		}
		ds, err := l.finish(opts)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	want, got := shareRead(false), shareRead(true)
	if len(got.Summary.Items) != 12 || len(got.Items) != 2 {
		t.Fatalf("summarised %d items and kept %d; want 12 and 2", len(got.Summary.Items), len(got.Items))
	}
	if !reflect.DeepEqual(got.Summary.Demand, want.Summary.Demand) || !reflect.DeepEqual(got.Report, want.Report) || !reflect.DeepEqual(got.Items, want.Items) {
		t.Errorf("with colliding hashes: demand %+v, report %+v, items %+v\nwithout: %+v, %+v, %+v",
			got.Summary.Demand, got.Report, got.Items, want.Summary.Demand, want.Report, want.Items)
	}
	for i, s := range want.Summary.Items {
		if g := got.Summary.Items[i]; g.ID != s.ID || !g.Start.Equal(s.Start) || len(g.Values) != len(s.Values) {
			t.Errorf("summary item %d: %s from %v ×%d, want %s from %v ×%d", i, g.ID, g.Start, len(g.Values), s.ID, s.Start, len(s.Values))
		}
	}
}
