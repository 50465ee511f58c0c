package job

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/source"
)

// The shards of a run read a CSV dataset on a claim once between them,
// when they share an output claim. Without this, every shard parses every
// row to summarise the items it does not keep: at a million items of 60
// days, two thirds of a shard's CPU, paid once per shard. The first
// shard to take the index's turn reads the input as before, keeping its
// own items, and notes where each item's rows lie (series.SpanSink); it
// writes the summary of every item and each shard's spans next to the
// checkpoints. The others wait for that turn, then read the summary (of
// a run of every item, only its layout until they merge) and only their
// own items' rows. Whatever goes wrong with the index (a file
// whose items' rows are scattered, an index that does not decode, a span
// read that fails) sends a shard back to reading every row itself, which
// also names a bad row's line as the input numbers it.

// indexTask names the index's turn (checkpoint.TakeTurnIn), which leaves
// one of the notes below for the turns after it.
const (
	indexTask   = "index"
	indexReady  = "ready\n"
	indexFailed = "failed\n"
)

// indexFolder is the folder of the run's index of its dataset, and
// whether the shard should use one: only a CSV file on a claim can be
// read in spans, and only a shared output claim lets the shards exchange
// the index. The folder is named by the file's path, size and time of
// modification and by how it is read, so that a file changed between
// attempts gets an index of its own.
func (r *Runner) indexFolder(spec v1alpha1.Dataset, opts source.Options) (string, bool) {
	if r.Env.OutputRoot == "" || r.results != nil || spec.PersistentVolumeClaim == nil {
		return "", false
	}
	_, file, err := source.VolumeFile(spec, opts)
	if err != nil {
		return "", false
	}
	f, err := os.Open(file)
	if err != nil {
		return "", false
	}
	defer f.Close()
	fi, err := f.Stat()
	head := make([]byte, len(series.ParquetMagic))
	n, _ := f.ReadAt(head, 0)
	if err != nil || series.IsParquet(file, head[:n]) {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%+v\x00%s\x00%s\x00%d", file, fi.Size(), fi.ModTime().UnixNano(), spec.Columns, spec.Frequency, spec.Missing, r.Env.Shards)
	key := hex.EncodeToString(h.Sum(nil))[:16]
	return filepath.Join(r.Env.ResultDir(), checkpoint.Folder, "input-"+key), true
}

// loadShare reads this shard's share of the dataset: from the run's
// index when there is one, else by reading every row, and then, when it
// is the first shard to get there, writing the index for the others.
// items is the run's item count (itemCount).
func (r *Runner) loadShare(ctx context.Context, spec v1alpha1.Dataset, opts source.Options, items int) (*series.Dataset, error) {
	folder, ok := r.indexFolder(spec, opts)
	if !ok {
		return source.Load(ctx, spec, opts)
	}
	r.index = folder
	turn, note, err := checkpoint.TakeTurnIn(folder, indexTask)
	if err != nil {
		r.Log.Info("reading every row: the dataset's index is out of reach", "error", err.Error())
		return source.Load(ctx, spec, opts)
	}
	switch string(note) {
	case indexReady:
		turn.Release() // the others may read it at once
		ds, err := r.readIndexed(spec, opts, folder, items)
		if err == nil {
			r.Log.Info("read this shard's items alone, by the dataset's index", "items", len(ds.Items), "everyItemSummarised", r.every == nil)
			return ds, nil
		}
		r.Log.Info("reading every row: the dataset's index did not serve", "error", err.Error())
	case "":
		defer turn.Release()
		return r.buildIndex(ctx, spec, opts, folder, turn)
	default:
		turn.Release()
	}
	return source.Load(ctx, spec, opts)
}

// buildIndex reads this shard's share and writes the index. A read that
// fails marks the index failed, so that the other shards read every row
// themselves and find the same fault, rather than each trying in turn;
// an index that cannot be written is no failure of the read.
func (r *Runner) buildIndex(ctx context.Context, spec v1alpha1.Dataset, opts source.Options, folder string, turn *checkpoint.Turn) (*series.Dataset, error) {
	runs, err := newShardRuns(folder, r.Env.Shards)
	if err != nil {
		r.Log.Info("the dataset is not indexed: every shard reads every row", "reason", err.Error())
		r.markIndex(turn, indexFailed)
		return source.Load(ctx, spec, opts)
	}
	defer runs.abort()
	opts.Spans = runs
	ds, err := source.Load(ctx, spec, opts)
	if err != nil {
		r.markIndex(turn, indexFailed)
		return nil, err
	}
	if err = writeAtomically(filepath.Join(folder, "summary"), ds.WriteSummary); err == nil {
		err = writeShardCounts(folder, ds, r.Env.Shards)
	}
	if err == nil {
		err = runs.finish()
	}
	if err != nil {
		r.Log.Info("the dataset is not indexed: every shard reads every row", "reason", err.Error())
		r.markIndex(turn, indexFailed)
		return ds, nil
	}
	r.markIndex(turn, indexReady)
	r.Log.Info(indexedMessage, "items", len(ds.Summary.Items))
	return ds, nil
}

// indexedMessage is what the indexing shard logs; hack/benchscale marks
// the shard that logged it.
const indexedMessage = "indexed the dataset for the other shards"

// markIndex leaves note for the shards after this one; when it cannot be
// left, the next shard tries to build the index again.
func (r *Runner) markIndex(turn *checkpoint.Turn, note string) {
	if err := turn.Mark([]byte(note)); err != nil {
		r.Log.Info("marking the dataset's index", "error", err.Error())
	}
}

// readIndexed reads this shard's items from the spans the index lists
// for it, with the summary of every item from the index; of a run that
// forecasts every item (items is 0, or at least the dataset's), it reads
// only the summary's layout, and sets r.every.
func (r *Runner) readIndexed(spec v1alpha1.Dataset, opts source.Options, folder string, items int) (*series.Dataset, error) {
	sum, count, err := readSummaryFile(filepath.Join(folder, "summary"), series.ReadSummaryLayout)
	if err != nil {
		return nil, err
	}
	var every *everyItem
	if items <= 0 || items >= count {
		if every, err = readEveryItem(folder, count); err != nil {
			return nil, err
		}
	} else if sum, _, err = readSummaryFile(filepath.Join(folder, "summary"), readWholeSummary); err != nil {
		return nil, err
	}
	header, runs, err := readSpansFile(spansFile(folder, r.Env.Index))
	if err != nil {
		return nil, err
	}
	opts.Known = sum.Summary
	mine, err := source.LoadVolumeSpans(spec, opts, header, spansOf(runs))
	if err != nil {
		return nil, err
	}
	sum.Items, r.every = mine.Items, every
	return sum, nil
}

// everyItem stands for the run's items in a shard that forecasts every
// item of the dataset and read its own by the index: how many items each
// shard has, and where the summary of them all is when the shard merges.
// The summary of a million items took a shard 150 MB, and a part of its
// CPU in collecting garbage, for nothing until it merged.
type everyItem struct {
	folder   string
	perShard []int
}

// shardsFile lists how many of the dataset's items each shard owns.
const shardsFile = "shards.json"

func writeShardCounts(folder string, ds *series.Dataset, shards int) error {
	counts := make([]int, shards)
	for _, s := range ds.Summary.Items {
		counts[shard.Of(s.ID, shards)]++
	}
	return writeAtomically(filepath.Join(folder, shardsFile), func(w io.Writer) error {
		return json.NewEncoder(w).Encode(counts)
	})
}

func readEveryItem(folder string, count int) (*everyItem, error) {
	b, err := os.ReadFile(filepath.Join(folder, shardsFile))
	if err != nil {
		return nil, err
	}
	e := &everyItem{folder: folder}
	if err := json.Unmarshal(b, &e.perShard); err != nil {
		return nil, fmt.Errorf("reading %s: %w", shardsFile, err)
	}
	total := 0
	for _, n := range e.perShard {
		total += n
	}
	if total != count {
		return nil, fmt.Errorf("%s counts %d items, the summary %d", shardsFile, total, count)
	}
	return e, nil
}

// planEveryItem is NewPlan for a shard of a run that forecasts every item
// and read its own by the index: the same plan, fingerprint included, but
// without the run's items until the shard merges (withEveryItem).
func planEveryItem(spec v1alpha1.ForecastRunSpec, ds *series.Dataset, e Env, every *everyItem) (Plan, error) {
	cfg, err := tournamentConfig(spec, ds.Frequency)
	if err != nil {
		return Plan{}, err
	}
	count := 0
	for _, n := range every.perShard {
		count += n
	}
	p := Plan{
		Tournament: cfg, Frequency: ds.Frequency, Data: ds.Report, Mine: ds.Items, DatasetSize: count, DataDigest: ds.Summary.Digest,
		partial: true, layout: ds.Summary, spec: spec, shards: e.Shards, every: every,
	}
	p.Fingerprint = p.withDataset(p.DataDigest)
	return p, nil
}

// withEveryItem gives a plan from planEveryItem the run's items, from the
// index's summary, for the merge.
func withEveryItem(plan Plan) (Plan, error) {
	if plan.every == nil {
		return plan, nil
	}
	sum, _, err := readSummaryFile(filepath.Join(plan.every.folder, "summary"), readWholeSummary)
	if err != nil {
		return plan, fmt.Errorf("reading every item's summary for the merge: %w", err)
	}
	if len(sum.Summary.Items) != plan.DatasetSize {
		return plan, fmt.Errorf("the dataset's index lists %d items, %d when the shard started", len(sum.Summary.Items), plan.DatasetSize)
	}
	plan.Items = sum.Summary.Items
	return plan, nil
}

// plottedByIndex reads the rows of the items in want alone, by the index
// this shard read or wrote; ok is false when there is none to go by, or
// the dataset changed since (which the caller's read of every row then
// reports).
func (r *Runner) plottedByIndex(spec v1alpha1.Dataset, plan Plan, want map[string]bool) (ds *series.Dataset, ok bool) {
	opts := r.sourceOptions(spec)
	if folder, ok := r.indexFolder(spec, opts); !ok || folder != r.index {
		return nil, false
	}
	if note, err := os.ReadFile(filepath.Join(r.index, indexTask+".done")); err != nil || string(note) != indexReady {
		return nil, false
	}
	shards := map[int]bool{}
	for id := range want {
		shards[shard.Of(id, r.Env.Shards)] = true
	}
	var header series.Span
	var runs []itemRun
	found := map[string]bool{}
	for k := range shards {
		h, all, err := readSpansFile(spansFile(r.index, k))
		if err != nil {
			return nil, false
		}
		header = h
		for _, run := range all {
			if want[run.ID] {
				runs, found[run.ID] = append(runs, run), true
			}
		}
	}
	if len(found) != len(want) {
		return nil, false
	}
	slices.SortFunc(runs, func(a, b itemRun) int { return cmp.Compare(a.Span.Start, b.Span.Start) })
	opts.Keep, opts.Known = func(id string) bool { return want[id] }, plan.layout
	ds, err := source.LoadVolumeSpans(spec, opts, header, spansOf(runs))
	return ds, err == nil
}

// dropIndex removes the index once the run's results are written.
func (r *Runner) dropIndex() {
	if r.index == "" {
		return
	}
	if err := os.RemoveAll(r.index); err != nil {
		r.Log.Info("removing the dataset's index", "error", err.Error())
	}
}

// readSummaryFile reads the summary at path with read (ReadSummary, or
// ReadSummaryLayout for its layout alone).
func readSummaryFile(path string, read func(io.Reader) (*series.Dataset, int, error)) (*series.Dataset, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return read(f)
}

// readWholeSummary is ReadSummary in ReadSummaryLayout's shape.
func readWholeSummary(r io.Reader) (*series.Dataset, int, error) {
	ds, err := series.ReadSummary(r)
	if err != nil {
		return nil, 0, err
	}
	return ds, len(ds.Summary.Items), nil
}
