package series_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/synth"
)

// spansByShard files each run a read finds under the shard of its item.
type spansByShard struct {
	shards int
	header series.Span
	runs   [][]series.Span
}

func (s *spansByShard) Header(sp series.Span) { s.header = sp }

func (s *spansByShard) Run(id string, sp series.Span) {
	if s.runs == nil {
		s.runs = make([][]series.Span, s.shards)
	}
	k := shard.Of(id, s.shards)
	s.runs[k] = append(s.runs[k], sp)
}

// TestReadSpansReadsWhatKeepReads reads each input once keeping shard 0's
// items, writes and reads back the summary, then reads every shard's
// items from their spans alone: each must equal what a read of the whole
// input keeping that shard's items holds, and the summary what that read
// learnt; a read by the layout alone (ReadSummaryLayout) reads the same.
// The inputs include a byte order mark, \r\n line ends, empty
// lines and quoted fields that span lines, which shift every offset after
// them.
func TestReadSpansReadsWhatKeepReads(t *testing.T) {
	inputs := map[string]struct {
		csv  string
		opts series.ReadOptions
	}{
		"bom, crlf, empty lines, quoted fields on two lines": {"\ufeffitem_id,date,quantity,note\r\n" +
			"\"a b\",2024-01-01,1,\"two\r\nlines\"\r\n\"a b\",2024-01-02,2,\r\n\r\nC,2024-01-01,3,\r\nC,2024-01-02,,\"x\ny\"\r\n" +
			"\"d,e\",2024-01-01,4,\r\n\"d,e\",2024-01-03,5,\r\nF,2024-01-02,6,", series.ReadOptions{}},
		"semicolons and decimal commas": {"item_id;date;quantity\nA;2024-01-01;1,5\nA;2024-01-02;2\nB;2024-01-01;0,25\nB;2024-01-02;3\n", series.ReadOptions{}},
	}
	for name, in := range shareInputs(t) {
		inputs[name] = in
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			const shards = 3
			keep := func(k int) func(string) bool { return func(id string) bool { return shard.Of(id, shards) == k } }
			sink := &spansByShard{shards: shards}
			opts := in.opts
			opts.Keep, opts.Spans = keep(0), sink
			first := read(t, in.csv, opts)

			var file bytes.Buffer
			if err := first.WriteSummary(&file); err != nil {
				t.Fatal(err)
			}
			layout, count, err := series.ReadSummaryLayout(bytes.NewReader(file.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if count != len(first.Summary.Items) || layout.Frequency != first.Frequency || !reflect.DeepEqual(layout.Report, first.Report) ||
				!reflect.DeepEqual(layout.Summary, first.Summary.Layout()) {
				t.Errorf("layout read back: %d items, %s %+v %+v; want %d, %s %+v %+v", count, layout.Frequency, layout.Report, layout.Summary,
					len(first.Summary.Items), first.Frequency, first.Report, first.Summary.Layout())
			}
			sum, err := series.ReadSummary(&file)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Frequency != first.Frequency || !reflect.DeepEqual(sum.Report, first.Report) || !reflect.DeepEqual(sum.Summary, first.Summary) {
				t.Fatalf("summary read back differs:\n got %s %+v %+v\nwant %s %+v %+v", sum.Frequency, sum.Report, sum.Summary, first.Frequency, first.Report, first.Summary)
			}
			for k := range shards {
				opts := in.opts
				opts.Keep = keep(k)
				want := read(t, in.csv, opts)
				opts.Known = sum.Summary
				if k%2 == 1 {
					opts.Known = layout.Summary // all a read of spans needs
				}
				got, err := series.ReadSpans(strings.NewReader(in.csv), "data.csv", sink.header, sink.runs[k], opts)
				if err != nil {
					t.Fatalf("shard %d: %v", k, err)
				}
				if len(got.Items) != len(want.Items) {
					t.Fatalf("shard %d: spans hold %d items, a read of the whole input %d", k, len(got.Items), len(want.Items))
				}
				for i, s := range want.Items {
					g := got.Items[i]
					if g.ID != s.ID || !g.Start.Equal(s.Start) || g.StartIndex != s.StartIndex || !sameValues(g.Values, s.Values) {
						t.Errorf("shard %d item %d: from spans %+v, from the whole input %+v", k, i, g, s)
					}
				}
			}
		})
	}
}

// TestReadSpansOfAShortenedInput: spans past the input's end are an
// error that says the input changed, not a quietly shorter item.
func TestReadSpansOfAShortenedInput(t *testing.T) {
	csv := "item_id,date,quantity\nA,2024-01-01,1\nA,2024-01-02,2\nB,2024-01-01,3\nB,2024-01-02,4\n"
	sink := &spansByShard{shards: 1}
	read(t, csv, series.ReadOptions{Spans: sink})
	short := strings.NewReader(csv[:len(csv)-8])
	_, err := series.ReadSpans(short, "data.csv", sink.header, sink.runs[0], series.ReadOptions{})
	if !errors.Is(err, series.ErrInputChanged) {
		t.Fatalf("got %v, want ErrInputChanged", err)
	}
}

// TestReadSummaryRefusesOtherFiles: a file that is not a summary, or is
// cut short, is refused rather than read as items.
func TestReadSummaryRefusesOtherFiles(t *testing.T) {
	in := shareInputs(t)["synthetic daily, grouped by item"]
	opts := in.opts
	opts.Keep = func(string) bool { return false }
	var file bytes.Buffer
	if err := read(t, in.csv, opts).WriteSummary(&file); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"a CSV file": []byte(in.csv),
		"cut short":  file.Bytes()[:file.Len()-5],
	} {
		if _, err := series.ReadSummary(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: read as a summary", name)
		}
	}
}

// BenchmarkReadSpans reads one shard's items of 16 by their spans, as a
// shard of a run reads them by the dataset's index, from a CSV file of
// 16,000 items × 60 days; the first read of the whole file, which finds
// the spans, is not timed.
func BenchmarkReadSpans(b *testing.B) {
	ds, err := synth.Generate(synth.Config{Items: 16_000, Periods: 60, Frequency: series.Daily, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var file bytes.Buffer
	if err := series.Write(&file, ds, series.DefaultColumns); err != nil {
		b.Fatal(err)
	}
	const shards = 16
	keep := func(id string) bool { return shard.Of(id, shards) == 0 }
	sink := &spansByShard{shards: shards}
	first, err := series.Read(bytes.NewReader(file.Bytes()), "data.csv", series.ReadOptions{Keep: keep, Spans: sink})
	if err != nil {
		b.Fatal(err)
	}
	var bytesRead int64
	for _, sp := range sink.runs[0] {
		bytesRead += sp.End - sp.Start
	}
	path := filepath.Join(b.TempDir(), "data.csv")
	if err := os.WriteFile(path, file.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(path) // a file, as on a claim: a read call per span
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(bytesRead)
	b.ReportAllocs()
	for b.Loop() {
		_, err := series.ReadSpans(f, "data.csv", sink.header, sink.runs[0], series.ReadOptions{Keep: keep, Known: first.Summary})
		if err != nil {
			b.Fatal(err)
		}
	}
}
