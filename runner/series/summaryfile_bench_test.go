package series

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// BenchmarkReadSummary reads the summary of 100,000 items, as every shard
// of a run reads the index's (a million items take ten times as long).
func BenchmarkReadSummary(b *testing.B) {
	const items = 100_000
	zeros := make([]float64, 60)
	sum := &Summary{Items: make([]Series, items), Demand: make([]DemandSizes, items), Digest: "sha256:x", freq: Daily}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range sum.Items {
		sum.Items[i] = Series{ID: fmt.Sprintf("SKU-%07d", i), Start: start, Values: zeros}
		sum.Demand[i] = DemandSizes{Observed: 60, Demands: 40, Sum: 120, SumSq: 500}
	}
	var file bytes.Buffer
	if err := (&Dataset{Frequency: Daily, Summary: sum}).WriteSummary(&file); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadSummary(bytes.NewReader(file.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}
