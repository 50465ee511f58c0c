package series_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/synth"
)

// shareInputs are files whose items' rows come in time order, in the
// layouts a share read must reproduce.
func shareInputs(t testing.TB) map[string]struct {
	csv  string
	opts series.ReadOptions
} {
	ds, err := synth.Generate(synth.Config{Items: 200, Periods: 90, Frequency: series.Daily, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Items that stop early are extended; a few empty cells are NaN.
	ds.Items[3].Values = ds.Items[3].Values[:40]
	ds.Items[5].Values[7] = nan
	var buf bytes.Buffer
	if err := series.Write(&buf, ds, series.DefaultColumns); err != nil {
		t.Fatal(err)
	}
	// Sparse rows (sales exports leave out days without sales) sorted by
	// date rather than by item.
	sparse := "item_id,date,quantity\nA,2024-01-01,3\nB,2024-01-01,1\nA,2024-01-02,1\nA,2024-01-04,2.5\nC,2024-01-05,NA\nB,2024-01-06,-1\nC,2024-01-08,4\nA,2024-01-09,7\n"
	index := "id,t,v\nx,3,1\nx,4,0\nx,6,2\ny,1,5\ny,2,\n"
	return map[string]struct {
		csv  string
		opts series.ReadOptions
	}{
		"synthetic daily, grouped by item":  {buf.String(), series.ReadOptions{}},
		"sparse rows sorted by date":        {sparse, series.ReadOptions{}},
		"grouped by item, on other dates":   {"item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-02,2\nB,2024-01-02,4\nB,2024-01-03,5\nB,2024-01-04,6\nC,2024-01-01,8\nC,2024-01-03,9\n", series.ReadOptions{}},
		"sparse rows, absent unknown":       {sparse, series.ReadOptions{Missing: series.MissingUnknown}},
		"weekly given, daily rows on grid":  {"item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-15,2\nB,2024-01-08,0\n", series.ReadOptions{Frequency: series.Weekly}},
		"integer period index, own columns": {index, series.ReadOptions{Columns: series.Columns{Item: "id", Time: "t", Value: "v"}}},
	}
}

// TestReadKeepMatchesWholeRead reads each input whole and in three shares,
// and checks that the shares together hold exactly the whole read's
// series, that every share's summary describes every item as the whole
// read lays it out (classes included) and that the report is the same.
func TestReadKeepMatchesWholeRead(t *testing.T) {
	for name, in := range shareInputs(t) {
		t.Run(name, func(t *testing.T) {
			whole := read(t, in.csv, in.opts)
			const shards = 3
			got := map[string]series.Series{}
			var digest string
			for index := range shards {
				opts := in.opts
				opts.Keep = func(id string) bool { return shard.Of(id, shards) == index }
				ds := read(t, in.csv, opts)
				for _, s := range ds.Items {
					got[s.ID] = s
				}
				checkSummary(t, whole, ds)
				if digest != "" && ds.Summary.Digest != digest {
					t.Errorf("shard %d digest %s, shard 0 %s", index, ds.Summary.Digest, digest)
				}
				digest = ds.Summary.Digest
			}
			if len(got) != len(whole.Items) {
				t.Fatalf("shares hold %d items, the whole read %d", len(got), len(whole.Items))
			}
			for _, s := range whole.Items {
				if g := got[s.ID]; !g.Start.Equal(s.Start) || g.StartIndex != s.StartIndex || !sameValues(g.Values, s.Values) {
					t.Errorf("item %s: share read %+v, whole read %+v", s.ID, g, s)
				}
			}
		})
	}
}

func checkSummary(t *testing.T, whole, share *series.Dataset) {
	t.Helper()
	if share.Frequency != whole.Frequency || !reflect.DeepEqual(share.Report, whole.Report) {
		t.Errorf("share read: %s %+v; whole read: %s %+v", share.Frequency, share.Report, whole.Frequency, whole.Report)
	}
	sum := share.Summary
	if len(sum.Items) != len(whole.Items) {
		t.Fatalf("summary has %d items, want %d", len(sum.Items), len(whole.Items))
	}
	for i, s := range whole.Items {
		g := sum.Items[i]
		if g.ID != s.ID || !g.Start.Equal(s.Start) || g.StartIndex != s.StartIndex || len(g.Values) != len(s.Values) {
			t.Errorf("summary item %d = %s %v %d ×%d, want %s %v %d ×%d", i, g.ID, g.Start, g.StartIndex, len(g.Values), s.ID, s.Start, s.StartIndex, len(s.Values))
		}
		adi, cv2 := sample.Demand(s.Values)
		gadi, gcv2 := sample.DemandOf(sum.Demand[i])
		if adi != gadi || cv2 != gcv2 {
			t.Errorf("item %s: summary gives ADI %v CV² %v, the values %v %v", s.ID, gadi, gcv2, adi, cv2)
		}
	}
}

func TestReadKeepRefuses(t *testing.T) {
	keepAll := func(string) bool { return true }
	tests := []struct {
		name string
		csv  string
		opts series.ReadOptions
		want error
		msg  string
	}{
		{"rows out of time order", "item_id,date,quantity\nA,2024-01-02,1\nA,2024-01-01,2\n", series.ReadOptions{}, series.ErrNeedsWholeInput,
			`data.csv:3:2: column "date": item "A" has a row for 2024-01-01 after one for 2024-01-02`},
		{"interpolated absent periods", "item_id,date,quantity\nA,2024-01-01,1\n", series.ReadOptions{Missing: series.MissingInterpolate}, series.ErrNeedsWholeInput, "data.csv: reading only some items"},
		{"a repeated row, even of an item not kept", "item_id,date,quantity\nA,2024-01-01,1\nB,2024-01-01,1\nB,2024-01-01,2\n", series.ReadOptions{Keep: func(id string) bool { return id == "A" }}, series.ErrDuplicate,
			`data.csv:4:2: column "date": item "B" already has a row for 2024-01-01 (line 3)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opts.Keep == nil {
				tt.opts.Keep = keepAll
			}
			_, err := series.Read(strings.NewReader(tt.csv), "data.csv", tt.opts)
			if !errors.Is(err, tt.want) || !strings.HasPrefix(err.Error(), tt.msg) {
				t.Errorf("error %v, want %v starting %q", err, tt.want, tt.msg)
			}
		})
	}
}

// TestReadKeepDigest: the digest changes with the data and with what
// shapes its layout, and not with what is kept.
func TestReadKeepDigest(t *testing.T) {
	base := "item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-02,2\n"
	digest := func(csv string, opts series.ReadOptions) string {
		if opts.Keep == nil {
			opts.Keep = func(string) bool { return true }
		}
		return read(t, csv, opts).Summary.Digest
	}
	seen := map[string]string{}
	for name, d := range map[string]string{
		"base":           digest(base, series.ReadOptions{}),
		"another value":  digest(strings.Replace(base, ",2\n", ",3\n", 1), series.ReadOptions{}),
		"absent unknown": digest(base, series.ReadOptions{Missing: series.MissingUnknown}),
		"weekly":         digest(base, series.ReadOptions{Frequency: series.Hourly}),
	} {
		if other, ok := seen[d]; ok {
			t.Errorf("%s and %s have the same digest", name, other)
		}
		seen[d] = name
	}
	if none := digest(base, series.ReadOptions{Keep: func(string) bool { return false }}); none != digest(base, series.ReadOptions{}) {
		t.Errorf("keeping nothing changed the digest")
	}
}

func BenchmarkReadKeep(b *testing.B) {
	data := syntheticCSV(b, 3707, 730)
	for _, shards := range []int{1, 16} {
		b.Run("shards="+itoa(shards), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			opts := series.ReadOptions{Keep: func(id string) bool { return shard.Of(id, shards) == 0 }}
			for b.Loop() {
				if _, err := series.Read(bytes.NewReader(data), "bench.csv", opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestReadKnownMatchesShareRead: reading a few items again with the layout
// of an earlier share read (ReadOptions.Known) gives the same series and
// digest without summarising the other items; a changed input gives
// another digest.
func TestReadKnownMatchesShareRead(t *testing.T) {
	for name, in := range shareInputs(t) {
		t.Run(name, func(t *testing.T) {
			opts := in.opts
			opts.Keep = func(id string) bool { return shard.Of(id, 2) == 0 }
			first := read(t, in.csv, opts)
			want := map[string]bool{}
			for _, s := range first.Summary.Items[:2] {
				want[s.ID] = true
			}
			wantItems := read(t, in.csv, series.ReadOptions{Columns: in.opts.Columns, Frequency: in.opts.Frequency, Missing: in.opts.Missing,
				Keep: func(id string) bool { return want[id] }})
			again := in.opts
			again.Keep, again.Known = func(id string) bool { return want[id] }, first.Summary.Layout()
			got := read(t, in.csv, again)
			if len(got.Summary.Items) != 0 {
				t.Errorf("the read again summarised %d items", len(got.Summary.Items))
			}
			if got.Summary.Digest != first.Summary.Digest || got.Frequency != first.Frequency {
				t.Errorf("digest %s frequency %q, first read %s %q", got.Summary.Digest, got.Frequency, first.Summary.Digest, first.Frequency)
			}
			if len(got.Items) != len(wantItems.Items) {
				t.Fatalf("read again %d items, want %d", len(got.Items), len(wantItems.Items))
			}
			for i, s := range wantItems.Items {
				if g := got.Items[i]; g.ID != s.ID || !g.Start.Equal(s.Start) || g.StartIndex != s.StartIndex || !sameValues(g.Values, s.Values) {
					t.Errorf("item %s: read again %+v, want %+v", s.ID, g, s)
				}
			}
			changed := read(t, strings.Replace(in.csv, ",", " ,", 1), again) // the same rows, other bytes
			if changed.Summary.Digest == first.Summary.Digest {
				t.Errorf("a changed input kept the digest")
			}
		})
	}
}
