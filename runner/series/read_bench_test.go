package series_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
)

// syntheticCSV writes a synthetic daily dataset as a long CSV.
func syntheticCSV(b *testing.B, items, days int) []byte {
	b.Helper()
	ds, err := synth.Generate(synth.Config{Items: items, Periods: days, Frequency: series.Daily, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := series.Write(&buf, ds, series.DefaultColumns); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkRead reads daily files up to the size of a mid-sized retail
// catalogue (3,707 items × 730 days, 2.7 million rows).
func BenchmarkRead(b *testing.B) {
	for _, size := range []struct{ items, days int }{{100, 730}, {1000, 730}, {3707, 730}} {
		data := syntheticCSV(b, size.items, size.days)
		b.Run(fmt.Sprintf("items=%d/days=%d", size.items, size.days), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := series.Read(bytes.NewReader(data), "bench.csv", series.ReadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	ds, err := synth.Generate(synth.Config{Items: 1000, Periods: 730, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := series.Write(&bytes.Buffer{}, ds, series.DefaultColumns); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadShare reads a file as one of 16 shards does: every row
// passes, one item in 16 is kept. Its CPU is what each shard pays for the
// rows it does not keep.
func BenchmarkReadShare(b *testing.B) {
	data := syntheticCSV(b, 20000, 60)
	keep := func(id string) bool { return len(id) > 0 && id[len(id)-1] == '7' && id[len(id)-2] < '6' }
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := series.Read(bytes.NewReader(data), "bench.csv", series.ReadOptions{Keep: keep}); err != nil {
			b.Fatal(err)
		}
	}
}
