package series_test

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/synth"
)

// parquetFile writes rows under a schema of three columns named by cols;
// each row gives the item, time and value cells (nil is null).
func parquetFile(t testing.TB, group parquet.Group, cols series.Columns, rows [][3]any, opts ...parquet.WriterOption) []byte {
	t.Helper()
	schema := parquet.NewSchema("test", group)
	var buf bytes.Buffer
	w := parquet.NewWriter(&buf, append([]parquet.WriterOption{schema}, opts...)...)
	for _, cells := range rows {
		row := make(parquet.Row, len(schema.Columns()))
		for role, name := range []string{cols.Item, cols.Time, cols.Value} {
			leaf, _ := schema.Lookup(name)
			v, def := parquet.NullValue(), 0
			if cells[role] != nil {
				v, def = parquet.ValueOf(cells[role]), leaf.MaxDefinitionLevel
			}
			row[leaf.ColumnIndex] = v.Level(0, def, leaf.ColumnIndex)
		}
		if _, err := w.WriteRows([]parquet.Row{row}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readParquet(data []byte, opts series.ReadOptions) (*series.Dataset, error) {
	return series.ReadParquet(bytes.NewReader(data), int64(len(data)), "data.parquet", opts)
}

// TestParquetRoundTrip writes datasets with WriteParquet and reads them
// back, against the same dataset through CSV.
func TestParquetRoundTrip(t *testing.T) {
	daily, err := synth.Generate(synth.Config{Items: 30, Periods: 60, Frequency: series.Daily, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	daily.Items[2].Values[4] = nan
	hourly, err := synth.Generate(synth.Config{Items: 3, Periods: 50, Frequency: series.Hourly, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	index := &series.Dataset{Items: []series.Series{{ID: "x", StartIndex: 3, Values: []float64{1, nan, 2}}, {ID: "y", StartIndex: 1, Values: []float64{5, 0}}}}
	tests := []struct {
		name string
		ds   *series.Dataset
		cols series.Columns
	}{
		{"daily dates with a missing value", daily, series.Columns{}},
		{"hourly timestamps", hourly, series.Columns{}},
		{"integer period index, own column names", index, series.Columns{Item: "sku", Time: "t", Value: "units"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pq, csv bytes.Buffer
			if err := series.WriteParquet(&pq, tt.ds, tt.cols); err != nil {
				t.Fatal(err)
			}
			if err := series.Write(&csv, tt.ds, tt.cols); err != nil {
				t.Fatal(err)
			}
			opts := series.ReadOptions{Columns: tt.cols}
			want := read(t, csv.String(), opts)
			got, err := readParquet(pq.Bytes(), opts)
			if err != nil {
				t.Fatalf("ReadParquet: %v", err)
			}
			sameDataset(t, got, want)
		})
	}
}

func sameDataset(t *testing.T, got, want *series.Dataset) {
	t.Helper()
	if got.Frequency != want.Frequency || len(got.Items) != len(want.Items) {
		t.Fatalf("got %s with %d items, want %s with %d", got.Frequency, len(got.Items), want.Frequency, len(want.Items))
	}
	for i, w := range want.Items {
		g := got.Items[i]
		if g.ID != w.ID || !g.Start.Equal(w.Start) || g.StartIndex != w.StartIndex || !sameValues(g.Values, w.Values) {
			t.Errorf("item %d: got %s %v %d %v, want %s %v %d %v", i, g.ID, g.Start, g.StartIndex, g.Values, w.ID, w.Start, w.StartIndex, w.Values)
		}
	}
}

// TestParquetTypes reads each accepted type of the three columns.
func TestParquetTypes(t *testing.T) {
	cols := series.DefaultColumns
	tests := []struct {
		name  string
		group parquet.Group
		rows  [][3]any
		want  string // the first item's ID, start and values
	}{
		{"strings throughout, ISO dates", parquet.Group{"item_id": parquet.String(), "date": parquet.String(), "quantity": parquet.Optional(parquet.Leaf(parquet.FloatType))},
			[][3]any{{"A", "2024-01-01", float32(1.5)}, {"A", "2024-01-02", nil}}, "A 2024-01-01 [1.5 NaN]"},
		{"integer IDs, DATE, INT32 quantities", parquet.Group{"item_id": parquet.Int(64), "date": parquet.Date(), "quantity": parquet.Int(32)},
			[][3]any{{int64(42), int32(19723), int32(3)}, {int64(42), int32(19724), int32(4)}}, "42 2024-01-01 [3 4]"},
		{"TIMESTAMP in microseconds, INT64 quantities", parquet.Group{"item_id": parquet.String(), "date": parquet.Timestamp(parquet.Microsecond), "quantity": parquet.Leaf(parquet.Int64Type)},
			[][3]any{{"A", int64(1704067200e6), int64(2)}, {"A", int64(1704070800e6), int64(0)}}, "A 2024-01-01 [2 0]"},
		{"plain integers are period indexes", parquet.Group{"item_id": parquet.String(), "date": parquet.Leaf(parquet.Int32Type), "quantity": parquet.Leaf(parquet.DoubleType)},
			[][3]any{{"A", int32(7), 1.0}, {"A", int32(8), 2.0}}, "A 7 [1 2]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := readParquet(parquetFile(t, tt.group, cols, tt.rows), series.ReadOptions{})
			if err != nil {
				t.Fatalf("ReadParquet: %v", err)
			}
			s := ds.Items[0]
			start := s.Start.Format("2006-01-02")
			if s.Start.IsZero() {
				start = itoa(int(s.StartIndex))
			}
			if got := s.ID + " " + start + " " + fmtValues(s.Values); got != tt.want {
				t.Errorf("first item %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParquetErrors: a bad file names the file, the row and row group for
// a bad row, and the column with what it holds and what was expected.
func TestParquetErrors(t *testing.T) {
	cols := series.DefaultColumns
	good := parquet.Group{"item_id": parquet.String(), "date": parquet.Date(), "quantity": parquet.Optional(parquet.Leaf(parquet.DoubleType))}
	twoGroups := []parquet.WriterOption{parquet.MaxRowsPerRowGroup(2)}
	tests := []struct {
		name  string
		group parquet.Group
		rows  [][3]any
		opts  []parquet.WriterOption
		kind  error
		msg   string
	}{
		{"no such column", parquet.Group{"item_id": parquet.String(), "day": parquet.Date(), "quantity": parquet.Leaf(parquet.DoubleType)},
			[][3]any{{"A", int32(1), 1.0}}, nil, series.ErrMissingColumn, `data.parquet: file has no column "date" (it has day, item_id, quantity)`},
		{"quantities as strings", parquet.Group{"item_id": parquet.String(), "date": parquet.Date(), "quantity": parquet.String()},
			[][3]any{{"A", int32(19723), "1"}}, nil, series.ErrBadValue, `data.parquet: column "quantity" holds BYTE_ARRAY (STRING); want numbers (DOUBLE, FLOAT, INT32 or INT64)`},
		{"times as doubles", parquet.Group{"item_id": parquet.String(), "date": parquet.Leaf(parquet.DoubleType), "quantity": parquet.Leaf(parquet.DoubleType)},
			[][3]any{{"A", 1.0, 1.0}}, nil, series.ErrBadValue, `data.parquet: column "date" holds DOUBLE; want ISO date strings, DATE, TIMESTAMP or integer period indexes`},
		{"a repeated row in the second row group", good,
			[][3]any{{"A", int32(19723), 1.0}, {"B", int32(19723), 1.0}, {"A", int32(19724), 1.0}, {"A", int32(19723), 2.0}}, twoGroups, series.ErrDuplicate,
			`data.parquet: row 4 (row group 2): column "date": item "A" already has a row for 2024-01-01 (row 1)`},
		{"a null time", parquet.Group{"item_id": parquet.String(), "date": parquet.Optional(parquet.Date()), "quantity": parquet.Leaf(parquet.DoubleType)},
			[][3]any{{"A", int32(19723), 1.0}, {"A", nil, 1.0}}, nil, series.ErrBadTime, `data.parquet: row 2 (row group 1): column "date": is null; every row needs a time`},
		{"an unparseable ISO date", parquet.Group{"item_id": parquet.String(), "date": parquet.String(), "quantity": parquet.Leaf(parquet.DoubleType)},
			[][3]any{{"A", "2024-13-01", 1.0}}, nil, series.ErrBadTime, `data.parquet: row 1 (row group 1): column "date": cannot parse "2024-13-01"`},
		{"an empty item ID", good, [][3]any{{" ", int32(19723), 1.0}}, nil, series.ErrBadValue, `data.parquet: row 1 (row group 1): column "item_id": empty item ID`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names := cols
			if _, ok := tt.group["day"]; ok {
				names.Time = "day"
			}
			_, err := readParquet(parquetFile(t, tt.group, names, tt.rows, tt.opts...), series.ReadOptions{})
			var pe *series.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tt.kind) || !strings.HasPrefix(err.Error(), tt.msg) {
				t.Errorf("error %v, want a ParseError %v starting %q", err, tt.kind, tt.msg)
			}
		})
	}
	if _, err := readParquet([]byte("PAR1 but not really"), series.ReadOptions{}); err == nil || !strings.HasPrefix(err.Error(), "data.parquet: not a readable Parquet file") {
		t.Errorf("a truncated file: error %v", err)
	}
}

func TestIsParquet(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"sales.csv", "PAR1\x15", true}, // content wins over the name
		{"sales.parquet", "item_id,", false},
		{"sales.PARQUET", "", true},
		{"sales.csv", "", false},
	}
	for _, tt := range tests {
		var head []byte
		if tt.head != "" {
			head = []byte(tt.head)
		}
		if got := series.IsParquet(tt.name, head); got != tt.want {
			t.Errorf("IsParquet(%q, %q) = %v, want %v", tt.name, tt.head, got, tt.want)
		}
	}
}

// TestParquetKeep reads a Parquet file a share at a time, as a shard does.
func TestParquetKeep(t *testing.T) {
	ds, err := synth.Generate(synth.Config{Items: 40, Periods: 30, Frequency: series.Daily, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := series.WriteParquet(&buf, ds, series.Columns{}); err != nil {
		t.Fatal(err)
	}
	whole, err := readParquet(buf.Bytes(), series.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	share, err := readParquet(buf.Bytes(), series.ReadOptions{Keep: func(id string) bool { return shard.Of(id, 4) == 1 }})
	if err != nil {
		t.Fatal(err)
	}
	checkSummary(t, whole, share)
	want := &series.Dataset{Frequency: whole.Frequency, Items: shard.Filter(whole.Items, 1, 4)}
	sameDataset(t, share, want)
}

func BenchmarkReadParquet(b *testing.B) {
	ds, err := synth.Generate(synth.Config{Items: 3707, Periods: 730, Frequency: series.Daily, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := series.WriteParquet(&buf, ds, series.Columns{}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := readParquet(data, series.ReadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func fmtValues(v []float64) string { return fmt.Sprint(v) }
