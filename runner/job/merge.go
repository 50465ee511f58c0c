package job

import (
	"fmt"

	"github.com/go-json-experiment/json"

	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/sample"
	"github.com/forecastrun/forecastrun/runner/shard"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// merge is the run's results read from every shard's checkpoint in two
// passes over the files, in the order of the run's items, holding one
// item's record at a time. The first pass gathers what needs every item
// before the first row can be written: the intervals' calibration pools,
// the summary, and the few fields the report's tables and its choice of
// plots read (items). The second decodes each record again, calibrates it
// and writes its rows (write).
type merge struct {
	plan   Plan
	shards int
	files  *checkpoint.Shards
	pools  *tournament.Pools
	// items are every merged item with only ID, Class, Winner, Score,
	// BacktestTotals, Windows and Failed set, and Forecast.Mean a
	// one-value stand-in when the item has a forecast: what
	// tournament.Summarise and the report's tables read.
	items   []tournament.ItemResult
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
	m := &merge{plan: plan, shards: shards, files: files, pools: pools, items: make([]tournament.ItemResult, 0, len(plan.Items))}
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
		m.items = append(m.items, it)
	}
	return nil
}

// write reads every record again in order, gives it its intervals from
// the pools of all items, and writes its rows to out. It returns the full
// results of the items keep names (the items the report plots).
func (m *merge) write(out *output.Stream, keep map[string]bool) (map[string]tournament.ItemResult, error) {
	if err := m.files.Rewind(); err != nil {
		return nil, err
	}
	kept := map[string]tournament.ItemResult{}
	for _, compact := range m.items {
		line, ok, err := m.files.Record(shard.Of(compact.ID, m.shards), compact.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("the checkpoint record of item %s went missing during the merge", compact.ID)
		}
		var it tournament.ItemResult
		if err := json.Unmarshal(line, &it); err != nil {
			return nil, fmt.Errorf("decoding the checkpoint record of item %s: %w", compact.ID, err)
		}
		it.Index = compact.Index
		m.pools.Apply(&it)
		if err := out.Add(it); err != nil {
			return nil, err
		}
		if keep[it.ID] {
			kept[it.ID] = it
		}
	}
	return kept, nil
}

func (m *merge) close() error { return m.files.Close() }
