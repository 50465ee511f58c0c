package series_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/forecastrun/forecastrun/runner/series"
)

// FuzzRead checks that no input panics, that every failure is a located
// *ParseError, and that whatever loads survives a Write and Read unchanged.
func FuzzRead(f *testing.F) {
	f.Add([]byte("item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-03,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := series.Read(bytes.NewReader(data), "fuzz.csv", series.ReadOptions{})
		if err != nil {
			var pe *series.ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz.csv" {
				t.Fatalf("error %v is not a *ParseError for fuzz.csv", err)
			}
			return
		}
		cells := 0
		for _, s := range ds.Items {
			if s.ID == "" || len(s.Values) == 0 {
				t.Fatalf("item %+v has no ID or no values", s)
			}
			cells += len(s.Values)
		}
		if cells > 10_000 {
			return // a few rows far apart: the round trip would only be slow
		}
		var buf bytes.Buffer
		if err := series.Write(&buf, ds, series.Columns{}); err != nil {
			t.Fatalf("Write: %v", err)
		}
		again, err := series.Read(&buf, "again.csv", series.ReadOptions{Frequency: ds.Frequency})
		if err != nil {
			t.Fatalf("reading what Write wrote: %v\n%s", err, buf.String())
		}
		assertSameDataset(t, again, ds)
	})
}
