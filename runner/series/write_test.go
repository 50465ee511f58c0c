package series_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
)

func TestWriteRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		ds   *series.Dataset
		cols series.Columns
		head string // the first two lines written
	}{
		{
			name: "daily with gaps",
			ds: &series.Dataset{Frequency: series.Daily, Items: []series.Series{
				{ID: "A", Start: date(2024, 2, 28), Values: []float64{1, nan, 2.5}},
				{ID: "B,quoted", Start: date(2024, 2, 27), Values: []float64{1e6, 0.001, 0, 7}},
			}},
			head: "item_id,date,quantity\nA,2024-02-28,1\n",
		},
		{
			name: "monthly month ends",
			ds: &series.Dataset{Frequency: series.Monthly, Items: []series.Series{
				{ID: "A", Start: date(2023, 1, 31), Values: []float64{1, 2, 3, 4}},
			}},
			head: "item_id,date,quantity\nA,2023-01-31,1\n",
		},
		{
			name: "daily items starting at a clock time",
			ds: &series.Dataset{Frequency: series.Daily, Items: []series.Series{
				{ID: "A", Start: date(2024, 1, 1), Values: []float64{1, 2}},
				{ID: "B", Start: time.Date(2024, 1, 1, 5, 0, 0, 0, time.UTC), Values: []float64{3, 4}},
			}},
			head: "item_id,date,quantity\nA,2024-01-01T00:00:00,1\n",
		},
		{
			name: "UTC offsets",
			ds: &series.Dataset{Frequency: series.Hourly, Items: []series.Series{
				{ID: "A", Start: time.Date(2024, 3, 1, 10, 0, 0, 0, time.FixedZone("", 7200)), Values: []float64{1, 2}},
			}},
			head: "item_id,date,quantity\nA,2024-03-01T10:00:00+02:00,1\n",
		},
		{
			name: "hourly",
			ds: &series.Dataset{Frequency: series.Hourly, Items: []series.Series{
				{ID: "H1", Start: time.Date(2024, 3, 1, 23, 0, 0, 0, time.UTC), Values: []float64{605, 586, 586}},
			}},
			head: "item_id,date,quantity\nH1,2024-03-01T23:00:00,605\n",
		},
		{
			name: "integer index and custom columns",
			ds: &series.Dataset{Items: []series.Series{
				{ID: "W1", StartIndex: 1, Values: []float64{1089.2, nan, 3}},
			}},
			cols: series.Columns{Item: "item_id", Time: "t", Value: "value"},
			head: "item_id,t,value\nW1,1,1089.2\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := series.Write(&buf, tt.ds, tt.cols); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), tt.head) {
				t.Errorf("output starts %q, want %q", buf.String()[:min(len(buf.String()), 60)], tt.head)
			}
			got := read(t, buf.String(), series.ReadOptions{Columns: tt.cols, Frequency: tt.ds.Frequency})
			assertSameDataset(t, got, tt.ds)
		})
	}
}

func assertSameDataset(t *testing.T, got, want *series.Dataset) {
	t.Helper()
	if got.Frequency != want.Frequency || len(got.Items) != len(want.Items) {
		t.Fatalf("got %q with %d items, want %q with %d", got.Frequency, len(got.Items), want.Frequency, len(want.Items))
	}
	for i, w := range want.Items {
		g := got.Items[i]
		if g.ID != w.ID || !g.Start.Equal(w.Start) || g.StartIndex != w.StartIndex || !sameValues(g.Values, w.Values) {
			t.Errorf("item %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestWriteReadSyntheticDataset(t *testing.T) {
	for _, f := range []series.Frequency{series.Hourly, series.Daily, series.Weekly, series.Monthly, series.Quarterly, series.Yearly} {
		t.Run(string(f), func(t *testing.T) {
			ds, err := synth.Generate(synth.Config{Items: 40, Periods: 120, Frequency: f, Seed: 2})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := series.Write(&buf, ds, series.DefaultColumns); err != nil {
				t.Fatal(err)
			}
			// Read infers the frequency from the dates alone.
			assertSameDataset(t, read(t, buf.String(), series.ReadOptions{}), ds)
		})
	}
}
