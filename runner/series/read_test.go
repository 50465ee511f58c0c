package series_test

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/forecastrun/forecastrun/runner/series"
)

func read(t *testing.T, csv string, opts series.ReadOptions) *series.Dataset {
	t.Helper()
	ds, err := series.Read(strings.NewReader(csv), "data.csv", opts)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return ds
}

// sameValues compares with NaN equal to NaN.
func sameValues(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		return x == y || (math.IsNaN(x) && math.IsNaN(y))
	})
}

var nan = math.NaN()

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestReadLayout(t *testing.T) {
	tests := []struct {
		name      string
		csv       string
		opts      series.ReadOptions
		freq      series.Frequency
		ids       []string
		values    [][]float64
		starts    []time.Time
		startIdxs []int64
	}{
		{
			name:   "daily dates in order",
			csv:    "item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-02,2\nA,2024-01-03,3\n",
			freq:   series.Daily,
			ids:    []string{"A"},
			values: [][]float64{{1, 2, 3}},
			starts: []time.Time{date(2024, 1, 1)},
		},
		{
			// A read compares each time cell with the one at the same row
			// of the previous item's rows before parsing it; here they
			// differ at most rows.
			name:   "grouped by item, the items' rows on other dates",
			csv:    "item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-02,2\nA,2024-01-03,3\nB,2024-01-02,4\nB,2024-01-03,5\nB,2024-01-04,6\nB,2024-01-05,7\nC,2024-01-01,8\nC,2024-01-03,9\nD,2024-01-04,10\n",
			freq:   series.Daily,
			ids:    []string{"A", "B", "C", "D"},
			values: [][]float64{{1, 2, 3, 0, 0}, {4, 5, 6, 7}, {8, 0, 9, 0, 0}, {10, 0}},
			starts: []time.Time{date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 1), date(2024, 1, 4)},
		},
		{
			name:   "absent periods are zero demand, every item runs to the last date, rows in any order",
			csv:    "item_id,date,quantity\nB,2024-01-05,5\nA,2024-01-03,3\nB,2024-01-01,1\nA,2024-01-01,1\nA,2024-01-02,2\n",
			freq:   series.Daily,
			ids:    []string{"B", "A"},
			opts:   series.ReadOptions{Frequency: series.Daily},
			values: [][]float64{{1, 0, 0, 0, 5}, {1, 2, 3, 0, 0}},
			starts: []time.Time{date(2024, 1, 1), date(2024, 1, 1)},
		},
		{
			name:   "absent periods left missing",
			csv:    "item_id,date,quantity\nB,2024-01-05,5\nA,2024-01-03,3\nB,2024-01-01,1\nA,2024-01-01,1\nA,2024-01-02,2\n",
			freq:   series.Daily,
			ids:    []string{"B", "A"},
			opts:   series.ReadOptions{Frequency: series.Daily, Missing: series.MissingUnknown},
			values: [][]float64{{1, nan, nan, nan, 5}, {1, 2, 3, nan, nan}},
			starts: []time.Time{date(2024, 1, 1), date(2024, 1, 1)},
		},
		{
			name:   "absent periods interpolated, after the last row repeated, empty cells kept missing",
			csv:    "item_id,date,quantity\nB,2024-01-05,5\nA,2024-01-03,3\nB,2024-01-01,1\nA,2024-01-01,1\nA,2024-01-02,\n",
			freq:   series.Daily,
			ids:    []string{"B", "A"},
			opts:   series.ReadOptions{Frequency: series.Daily, Missing: "Interpolate"},
			values: [][]float64{{1, 2, 3, 4, 5}, {1, nan, 3, 3, 3}},
			starts: []time.Time{date(2024, 1, 1), date(2024, 1, 1)},
		},
		{
			name:   "rows every Thursday on a daily grid: zero on the other days",
			csv:    "item_id,date,quantity\nA,2024-01-04,10\nA,2024-01-11,10\nB,2024-01-04,1\nB,2024-01-05,1\n",
			freq:   series.Daily,
			ids:    []string{"A", "B"},
			opts:   series.ReadOptions{Frequency: series.Daily},
			values: [][]float64{{10, 0, 0, 0, 0, 0, 0, 10}, {1, 1, 0, 0, 0, 0, 0, 0}},
			starts: []time.Time{date(2024, 1, 4), date(2024, 1, 4)},
		},
		{
			name:   "a weekly item and a daily one: the tie goes to the finer grid",
			csv:    "item_id,date,quantity\nA,2024-01-04,10\nA,2024-01-11,10\nB,2024-01-10,1\nB,2024-01-11,2\n",
			freq:   series.Daily,
			ids:    []string{"A", "B"},
			values: [][]float64{{10, 0, 0, 0, 0, 0, 0, 10}, {1, 2}},
			starts: []time.Time{date(2024, 1, 4), date(2024, 1, 10)},
		},
		{
			name:   "the most common spacing wins: a weekly item with a gap among weekly ones",
			csv:    "item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-15,3\nB,2024-01-01,1\nB,2024-01-08,2\nC,2024-01-01,1\nC,2024-01-08,2\n",
			freq:   series.Weekly,
			ids:    []string{"A", "B", "C"},
			values: [][]float64{{1, 0, 3}, {1, 2, 0}, {1, 2, 0}},
			starts: []time.Time{date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 1)},
		},
		{
			name:   "empty, NA and NaN cells are missing",
			csv:    "item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-02,\nA,2024-01-03,NA\nA,2024-01-04,nan\nA,2024-01-05, 7 \n",
			freq:   series.Daily,
			ids:    []string{"A"},
			values: [][]float64{{1, nan, nan, nan, 7}},
			starts: []time.Time{date(2024, 1, 1)},
		},
		{
			name:      "integer index needs no frequency",
			csv:       "item_id,date,quantity\nA,3,30\nA,1,10\nB,-1,5\nB,0,6\n",
			ids:       []string{"A", "B"},
			values:    [][]float64{{10, 0, 30}, {5, 6}}, // an index is each item's own clock: B is not extended
			startIdxs: []int64{1, -1},
		},
		{
			name:      "integer index keeps a given frequency",
			csv:       "item_id,date,quantity\nA,1,10\nA,2,20\n",
			opts:      series.ReadOptions{Frequency: series.Hourly},
			freq:      series.Hourly,
			ids:       []string{"A"},
			values:    [][]float64{{10, 20}},
			startIdxs: []int64{1},
		},
		{
			name:   "monthly steps are calendar months, month ends included",
			csv:    "item_id,date,quantity\nA,2023-01-31,1\nA,2023-02-28,2\nA,2023-04-30,4\n",
			freq:   series.Monthly,
			ids:    []string{"A"},
			values: [][]float64{{1, 2, 0, 4}},
			starts: []time.Time{date(2023, 1, 31)},
		},
		{
			name:   "quarterly inferred",
			csv:    "item_id,date,quantity\nA,2023-01-01,1\nA,2023-04-01,2\nA,2023-10-01,4\n",
			freq:   series.Quarterly,
			ids:    []string{"A"},
			values: [][]float64{{1, 2, 0, 4}},
			starts: []time.Time{date(2023, 1, 1)},
		},
		{
			name:   "weekly inferred from any weekday",
			csv:    "item_id,date,quantity\nA,2024-01-03,1\nA,2024-01-17,3\nA,2024-01-10,2\n",
			freq:   series.Weekly,
			ids:    []string{"A"},
			values: [][]float64{{1, 2, 3}},
			starts: []time.Time{date(2024, 1, 3)},
		},
		{
			name:   "yearly inferred",
			csv:    "item_id,date,quantity\nA,2020-07-01,1\nA,2021-07-01,2\n",
			freq:   series.Yearly,
			ids:    []string{"A"},
			values: [][]float64{{1, 2}},
			starts: []time.Time{date(2020, 7, 1)},
		},
		{
			name:   "hourly date-times in three notations",
			csv:    "item_id,date,quantity\nA,2024-03-01T22:00:00Z,1\nA,2024-03-01 23:00:00,2\nA,2024-03-02T01:00:00,4\n",
			freq:   series.Hourly,
			ids:    []string{"A"},
			values: [][]float64{{1, 2, 0, 4}},
			starts: []time.Time{time.Date(2024, 3, 1, 22, 0, 0, 0, time.UTC)},
		},
		{
			name:   "UTC offset kept in Start",
			csv:    "item_id,date,quantity\nA,2024-03-01T10:00:00+02:00,1\nA,2024-03-01T11:00:00+02:00,2\n",
			freq:   series.Hourly,
			ids:    []string{"A"},
			values: [][]float64{{1, 2}},
			starts: []time.Time{time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)},
		},
		{
			name:   "explicit frequency over a single row",
			csv:    "item_id,date,quantity\nA,2024-01-01,1\n",
			opts:   series.ReadOptions{Frequency: series.Weekly},
			freq:   series.Weekly,
			ids:    []string{"A"},
			values: [][]float64{{1}},
			starts: []time.Time{date(2024, 1, 1)},
		},
		{
			name:      "custom columns in another order, BOM, CRLF and quotes",
			csv:       "\ufeffvalue,\"series\",t\r\n,\"x,y\",1\r\n6,\"x,y\",2\r\n",
			opts:      series.ReadOptions{Columns: series.Columns{Item: "series", Time: "t", Value: "value"}},
			ids:       []string{"x,y"},
			values:    [][]float64{{nan, 6}},
			startIdxs: []int64{1},
		},
		{
			name:   "frequency from the items with two times; spaces trimmed",
			csv:    "item_id, date, quantity\nA,2024-01-01,1\n B , 2024-01-01 , 2\nB,2024-01-04,4\nB,2024-01-02,3\n",
			freq:   series.Daily,
			ids:    []string{"A", "B"},
			values: [][]float64{{1, 0, 0, 0}, {2, 3, 0, 4}},
			starts: []time.Time{date(2024, 1, 1), date(2024, 1, 1)},
		},
		{
			name:   "BOM before a quoted header",
			csv:    "\ufeff\"item_id\",\"date\",\"quantity\"\nA,2024-01-01,1\nA,2024-01-02,2\n",
			freq:   series.Daily,
			ids:    []string{"A"},
			values: [][]float64{{1, 2}},
			starts: []time.Time{date(2024, 1, 1)},
		},
		{
			name: "header only",
			csv:  "item_id,date,quantity\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := read(t, tt.csv, tt.opts)
			if ds.Frequency != tt.freq {
				t.Errorf("Frequency = %q, want %q", ds.Frequency, tt.freq)
			}
			if len(ds.Items) != len(tt.ids) {
				t.Fatalf("got %d items, want %d", len(ds.Items), len(tt.ids))
			}
			for i, s := range ds.Items {
				if s.ID != tt.ids[i] {
					t.Errorf("item %d ID = %q, want %q", i, s.ID, tt.ids[i])
				}
				if !sameValues(s.Values, tt.values[i]) {
					t.Errorf("item %q values = %v, want %v", s.ID, s.Values, tt.values[i])
				}
				if tt.starts != nil && !s.Start.Equal(tt.starts[i]) {
					t.Errorf("item %q Start = %v, want %v", s.ID, s.Start, tt.starts[i])
				}
				if tt.startIdxs != nil && (s.StartIndex != tt.startIdxs[i] || !s.Start.IsZero()) {
					t.Errorf("item %q StartIndex = %d (Start %v), want %d and zero Start", s.ID, s.StartIndex, s.Start, tt.startIdxs[i])
				}
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	const head = "item_id,date,quantity\n"
	tests := []struct {
		name         string
		csv          string
		opts         series.ReadOptions
		line, column int
		is           error
		text         string
	}{
		{"bad number", head + "A,2024-01-01,1\nA,2024-01-02,12x\n", series.ReadOptions{}, 3, 3, series.ErrBadValue,
			`data.csv:3:3: column "quantity": cannot parse "12x" as a number`},
		{"infinite number", head + "A,2024-01-01,Inf\n", series.ReadOptions{}, 2, 3, series.ErrBadValue, `"Inf"`},
		{"bad date", head + "A,2024-02-30,1\n", series.ReadOptions{}, 2, 2, series.ErrBadTime, `column "date": cannot parse "2024-02-30"`},
		{"year before 1000", head + "A,0999-12-31,1\n", series.ReadOptions{}, 2, 2, series.ErrBadTime, `"0999-12-31"`},
		{"bad clock", head + "A,2024-02-03T25:00:00,1\n", series.ReadOptions{}, 2, 2, series.ErrBadTime, `"2024-02-03T25:00:00"`},
		{"mixed time kinds", head + "A,2024-01-01,1\nA,7,1\n", series.ReadOptions{}, 3, 2, series.ErrBadTime,
			"holds an integer period index but line 2 holds a date"},
		{"date then date-time", head + "A,2024-01-01,1\nA,2024-01-02T00:00:00,1\n", series.ReadOptions{}, 3, 2, series.ErrBadTime,
			"holds a date-time but line 2 holds a date"},
		{"duplicate", head + "A,2024-01-01,1\nB,2024-01-01,1\nA,2024-01-01,2\n", series.ReadOptions{Frequency: series.Daily}, 4, 2, series.ErrDuplicate,
			`item "A" already has a row for 2024-01-01 (line 2)`},
		{"duplicate index", head + "A,1,1\nA,1,2\n", series.ReadOptions{}, 3, 2, series.ErrDuplicate, "row for 1 (line 2)"},
		{"duplicate month", head + "A,2024-01-01,1\nA,2024-01-15,2\n", series.ReadOptions{Frequency: series.Monthly}, 3, 2, series.ErrDuplicate, "row for 2024-01-01 (line 2)"},
		{"off the weekly grid", head + "A,2024-01-01,1\nA,2024-01-08,1\nA,2024-01-10,1\n", series.ReadOptions{Frequency: series.Weekly}, 4, 2, series.ErrOffGrid,
			`2024-01-10 is not on the weekly grid of item "A"`},
		{"off the hourly grid", head + "A,2024-01-01T00:00:00,1\nA,2024-01-01T01:30:00,1\n", series.ReadOptions{Frequency: series.Hourly}, 3, 2, series.ErrOffGrid, "hourly grid"},
		{"too few fields", head + "A,2024-01-01,1\nA,2024-01-02\n", series.ReadOptions{}, 3, 3, nil, "row has 2 fields but the header has 3"},
		{"too many fields", head + "A,2024-01-01,1,9\n", series.ReadOptions{}, 2, 4, nil, "row has 4 fields"},
		{"bare quote", head + "A,2024-01-01,1\"2\n", series.ReadOptions{}, 2, 15, nil, "bare \""},
		{"missing column", "item_id,day,quantity\nA,2024-01-01,1\n", series.ReadOptions{}, 1, 0, series.ErrMissingColumn,
			`data.csv:1: header has no column "date" (it has item_id, day, quantity)`},
		{"column twice", "item_id,date,date,quantity\n", series.ReadOptions{}, 1, 0, series.ErrMissingColumn, `names column "date" twice`},
		{"quoted field over two lines", head + "A,\"2024-01-01\n\",\"1\nx\"\n", series.ReadOptions{}, 3, 3, series.ErrBadValue, `cannot parse "1\nx"`},
		{"line break in item", head + "\"A\nB\",2024-01-01,1\n", series.ReadOptions{}, 2, 1, series.ErrBadValue, `item ID "A\nB" holds a control character`},
		{"empty item", head + ",2024-01-01,1\n", series.ReadOptions{}, 2, 1, series.ErrBadValue, `column "item_id": empty item ID`},
		{"cannot infer from single rows", head + "A,2024-01-01,1\nB,2024-01-02,1\n", series.ReadOptions{}, 2, 2, series.ErrBadTime,
			"no item has rows at two different times"},
		{"cannot infer from odd spacing", head + "A,2024-01-01,1\nA,2024-01-04,1\n", series.ReadOptions{}, 2, 2, series.ErrBadTime, "3 days apart"},
		{"a daily item among weekly ones", head + "A,2024-01-01,1\nA,2024-01-08,1\nB,2024-01-01,1\nB,2024-01-08,1\nC,2024-01-01,1\nC,2024-01-02,1\n", series.ReadOptions{}, 7, 2, series.ErrOffGrid,
			`2024-01-02 is not on the weekly grid of item "C", which starts at 2024-01-01 (the frequency was inferred from the closest rows of each item: 1 daily, 2 weekly; set it explicitly)`},
		{"unknown meaning of absent periods", head, series.ReadOptions{Missing: "ffill"}, 0, 0, nil, `unknown meaning of absent periods "ffill"`},
		{"implausible span", head + "A,1,1\nA,900000000,1\n", series.ReadOptions{}, 3, 2, series.ErrBadTime, `item "A" runs from 1 to 900000000, more than 100000 periods for 2 rows`},
		{"overflowing span", head + "A,-9223372036854775808,1\nA,9223372036854775807,1\n", series.ReadOptions{}, 3, 2, series.ErrBadTime, "runs from -9223372036854775808"},
		{"empty file", "", series.ReadOptions{}, 0, 0, nil, "data.csv: empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := series.Read(strings.NewReader(tt.csv), "data.csv", tt.opts)
			var pe *series.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want a *ParseError", err)
			}
			if pe.File != "data.csv" || pe.Line != tt.line || pe.Column != tt.column {
				t.Errorf("location = %s:%d:%d, want data.csv:%d:%d", pe.File, pe.Line, pe.Column, tt.line, tt.column)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not contain %q", err, tt.text)
			}
		})
	}
}

func TestReadReport(t *testing.T) {
	csv := "item_id,date,quantity\n" +
		"A,2024-01-01,1\nA,2024-01-03,2.5\nA,2024-01-05,1\n" + // two absent days inside, fractional; 2 days apart: no vote
		"B,2024-01-01,-1\nB,2024-01-02,1\n" + // a return; three days added at the end
		"C,2024-01-04,\nC,2024-01-05,3\n" // an empty cell is not an absent period
	ds := read(t, csv, series.ReadOptions{})
	want := series.Report{
		Missing: series.MissingZero, Delimiter: "comma", AbsentPeriods: 5, ExtendedItems: 1, NegativeItems: 1, NonIntegerItems: 1,
		FrequencyInferred: true, FrequencyVotes: map[series.Frequency]int{series.Daily: 2},
	}
	if !reflect.DeepEqual(ds.Report, want) {
		t.Errorf("Report = %+v, want %+v", ds.Report, want)
	}
}

// European spreadsheet exports separate fields with semicolons and write
// decimal commas; tab-separated exports are common too. The delimiter is
// found from the header line and named in the report.
func TestReadFindsTheDelimiter(t *testing.T) {
	for _, tc := range []struct {
		name, csv, delimiter string
	}{
		{"comma", "item_id,date,quantity\nA,2024-01-01,1.5\nA,2024-01-02,2\n", "comma"},
		{"semicolon with decimal commas", "item_id;date;quantity\nA;2024-01-01;1,5\nA;2024-01-02;2\n", "semicolon"},
		{"tab", "item_id\tdate\tquantity\nA\t2024-01-01\t1.5\nA\t2024-01-02\t2\n", "tab"},
		{"a quoted comma in a semicolon header", "\"item_id\";\"date, day\";\"quantity\"\nA;2024-01-01;1,5\nA;2024-01-02;2\n", "semicolon"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := series.ReadOptions{}
			if strings.Contains(tc.csv, "date, day") {
				opts.Columns.Time = "date, day"
			}
			ds := read(t, tc.csv, opts)
			if ds.Report.Delimiter != tc.delimiter {
				t.Errorf("delimiter %q, want %q", ds.Report.Delimiter, tc.delimiter)
			}
			if got := ds.Items[0].Values; len(got) != 2 || got[0] != 1.5 || got[1] != 2 {
				t.Errorf("values %v, want [1.5 2]", got)
			}
		})
	}
	ds := read(t, "item_id;date;quantity\nA;2024-01-01;1.234,5\nA;2024-01-02;2\n", series.ReadOptions{})
	if v := ds.Items[0].Values[0]; v != 1234.5 {
		t.Errorf("1.234,5 in a semicolon file read as %v, want 1234.5", v)
	}
	_, err := series.Read(strings.NewReader("item_id;date;quantity\nA;2024-01-01;1,2,3\n"), "sales.csv", series.ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), `cannot parse "1,2,3" as a number`) {
		t.Errorf("a value with two commas: %v", err)
	}
}

func TestReadRejectsSharedColumn(t *testing.T) {
	opts := series.ReadOptions{Columns: series.Columns{Item: "id", Time: "id", Value: "v"}}
	_, err := series.Read(strings.NewReader("id,v\n"), "data.csv", opts)
	if err == nil || !strings.Contains(err.Error(), "three different columns") {
		t.Fatalf("error = %v, want one about sharing a column", err)
	}
}

func TestReadRejectsUnknownFrequency(t *testing.T) {
	_, err := series.Read(strings.NewReader("item_id,date,quantity\n"), "data.csv", series.ReadOptions{Frequency: "fortnightly"})
	if err == nil || !strings.Contains(err.Error(), "fortnightly") {
		t.Fatalf("error = %v, want one naming the frequency", err)
	}
}
