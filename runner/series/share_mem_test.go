package series

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestSummariseDoesNotHoldTheScanToo bounds what a share read holds per
// item of the input when its summary is built, the peak of a shard's
// read: the summary of every item, not also the scanner's statistics and
// IDs of every item. Before summarise released the scanner's blocks as it
// went it held 221 bytes per item here.
func TestSummariseDoesNotHoldTheScanToo(t *testing.T) {
	const items, days, limit = 20000, 5, 160 // bytes per item
	var b strings.Builder
	b.WriteString("item_id,date,quantity\n")
	for d := range days {
		for i := range items {
			fmt.Fprintf(&b, "item-%06d,2024-01-%02d,%d\n", i, d+1, (i+d)%4)
		}
	}
	data := b.String()
	before := liveHeap()
	l, err := newLoader("mem.csv", ReadOptions{Keep: func(string) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.readRows(strings.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	s := l.scan
	s.index = itemIndex{}
	var rep Report
	sum, err := s.summarise(l, Daily, s.lastKey(l.kind), &rep)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Items) != items || len(sum.Items[items-1].Values) != days {
		t.Fatalf("summarised %d items, the last of %d periods; want %d of %d", len(sum.Items), len(sum.Items[items-1].Values), items, days)
	}
	perItem := (liveHeap() - before) / items
	t.Logf("scanner and summary hold %d bytes per item", perItem)
	if perItem > limit {
		t.Errorf("scanner and summary hold %d bytes per item, want at most %d", perItem, limit)
	}
	runtime.KeepAlive(l)
	runtime.KeepAlive(sum)
	runtime.KeepAlive(data)
}

func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
