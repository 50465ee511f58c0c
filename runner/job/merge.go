package job

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/report"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// merge is the run's results read from every shard's checkpoint in two
// passes over the files, in the order of the run's items, holding one
// item's record at a time. The first pass gathers what needs every item
// before the first row can be written: the intervals' calibration pools,
// the summary (summing), and what the report's tables and its choice of
// plots read (report). The second decodes each record again, calibrates
// it and writes its rows (write). Neither keeps a record per item: what
// grows with the items is the pools' ratios and the report's one score
// per item.
type merge struct {
	plan    Plan
	shards  int
	files   *checkpoint.Shards
	pools   *tournament.Pools
	summing tournament.Summing
	report  *report.Tally
	missing int
}

// tallied is the part of a record the first pass decodes.
type tallied struct {
	Class          sample.DemandClass
	Winner         string
	Score          tournament.Score
	BacktestTotals tournament.Totals
	Forecast       struct{ Mean []float64 }
	Calibration    *tournament.Calibration
	Windows        int
	Failed         bool
}

// hasForecast stands in for the forecast of an item that has one.
var hasForecast = []float64{0}

// skipRatios leaves a record's calibration ratios undecoded: the first
// pass pooled them, and the second needs only the family and level they
// came with (tournament.Pools.Apply).
var skipRatios = json.WithUnmarshalers(json.UnmarshalFromFunc(func(dec *jsontext.Decoder, _ *[][]float32) error {
	return dec.SkipValue()
}))

// openMerge reads every shard's checkpoint under dir once and returns the
// merge, which counts the sampled items no shard has recorded yet.
func openMerge(dir string, plan Plan, shards int) (*merge, error) {
	files, err := checkpoint.OpenShards(dir, shards, plan.Fingerprint)
	if err != nil {
		return nil, err
	}
	pools, err := plan.Tournament.NewPools()
	if err != nil {
		files.Close()
		return nil, fmt.Errorf("%w: calibrating the intervals: %w", ErrPermanent, err)
	}
	m := &merge{plan: plan, shards: shards, files: files, pools: pools, report: report.NewTally(len(plan.Items), 0)}
	if err := m.tally(); err != nil {
		files.Close()
		return nil, err
	}
	return m, nil
}

func (m *merge) tally() error {
	names := map[string]string{} // winners and classes, each string once
	intern := func(s string) string {
		if v, ok := names[s]; ok {
			return v
		}
		names[s] = s
		return s
	}
	for i, s := range m.plan.Items {
		line, ok, err := m.files.Record(shard.Of(s.ID, m.shards), s.ID)
		if err != nil {
			return err
		}
		if !ok {
			m.missing++
			continue
		}
		var t tallied
		if err := json.Unmarshal(line, &t); err != nil {
			return fmt.Errorf("decoding the checkpoint record of item %s: %w", s.ID, err)
		}
		m.pools.Add(t.Calibration)
		it := tournament.ItemResult{
			Index: i, ID: s.ID, Class: sample.DemandClass(intern(string(t.Class))), Winner: intern(t.Winner),
			Score: t.Score, BacktestTotals: t.BacktestTotals, Windows: t.Windows, Failed: t.Failed,
		}
		if len(t.Forecast.Mean) > 0 {
			it.Forecast.Mean = hasForecast
		}
		m.summing.Add(it)
		m.report.Add(it)
	}
	return nil
}

// write reads every record again in order, gives it its intervals from
// the pools of all items, and writes its rows to out; the items the
// report plots go to its tally in full. Every item must be recorded
// (missing is 0).
func (m *merge) write(out *output.Stream) error {
	if err := m.files.Rewind(); err != nil {
		return err
	}
	plotted := map[string]bool{}
	for _, id := range m.report.Plotted() {
		plotted[id] = true
	}
	for i, s := range m.plan.Items {
		line, ok, err := m.files.Record(shard.Of(s.ID, m.shards), s.ID)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("the checkpoint record of item %s went missing during the merge", s.ID)
		}
		var it tournament.ItemResult
		if err := json.Unmarshal(line, &it, skipRatios); err != nil {
			return fmt.Errorf("decoding the checkpoint record of item %s: %w", s.ID, err)
		}
		it.Index = i
		m.pools.Apply(&it)
		if err := out.Add(it); err != nil {
			return err
		}
		if plotted[it.ID] {
			m.report.Keep(it)
		}
	}
	return nil
}

func (m *merge) close() error { return m.files.Close() }
