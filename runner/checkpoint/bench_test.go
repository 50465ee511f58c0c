package checkpoint

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkAppend measures one record (a horizon-14 item with 16 model
// scores, about 1.5 KB) under several sync policies.
func BenchmarkAppend(b *testing.B) {
	for _, every := range []int{1, 64, 1 << 30} {
		b.Run(fmt.Sprintf("sync-every=%d", every), func(b *testing.B) {
			w, _, err := Open(b.TempDir(), 0, fp)
			if err != nil {
				b.Fatal(err)
			}
			defer w.Close()
			w.SetSync(every, time.Hour)
			rec := item(1)
			for b.Loop() {
				if err := w.Append(rec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	for _, n := range []int{100, 3707} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			w, _, _ := Open(dir, 0, fp)
			for i := range n {
				w.Append(item(i))
			}
			w.Close()
			for b.Loop() {
				w, _, err := Open(dir, 0, fp)
				if err != nil {
					b.Fatal(err)
				}
				w.Close()
			}
		})
	}
}
