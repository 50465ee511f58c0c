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
	decode := func() func(i int, line []byte, t *tallied) error {
		return func(i int, line []byte, t *tallied) error {
			*t = tallied{}
			if err := json.Unmarshal(line, t); err != nil {
				return fmt.Errorf("decoding the checkpoint record of item %s: %w", m.plan.Items[i].ID, err)
			}
			return nil
		}
	}
	return inOrder(len(m.plan.Items), m.record, decode, func(i int, ok bool, t *tallied) error {
		if !ok {
			m.missing++
			return nil
		}
		m.pools.Add(t.Calibration)
		it := tournament.ItemResult{
			Index: i, ID: m.plan.Items[i].ID, Class: sample.DemandClass(intern(string(t.Class))), Winner: intern(t.Winner),
			Score: t.Score, BacktestTotals: t.BacktestTotals, Windows: t.Windows, Failed: t.Failed,
		}
		if len(t.Forecast.Mean) > 0 {
			it.Forecast.Mean = hasForecast
		}
		m.summing.Add(it)
		m.report.Add(it)
		return nil
	})
}

// record reads the line of the run's i-th item from its shard's
// checkpoint.
func (m *merge) record(i int) ([]byte, bool, error) {
	id := m.plan.Items[i].ID
	return m.files.Record(shard.Of(id, m.shards), id)
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
	// The workers calibrate at once: the pools are sorted here, on one
	// goroutine, so that Apply only reads them. (Leaving it to the first
	// Apply raced when the first record had no calibration, a failed
	// item's, and several workers then each sorted the pools.)
	m.pools.Finish()
	format := func() func(i int, line []byte, r *written) error {
		f := out.Formatter()
		return func(i int, line []byte, r *written) error {
			r.item = tournament.ItemResult{}
			if err := json.Unmarshal(line, &r.item, skipRatios); err != nil {
				return fmt.Errorf("decoding the checkpoint record of item %s: %w", m.plan.Items[i].ID, err)
			}
			r.item.Index = i
			m.pools.Apply(&r.item)
			return f.Format(&r.rows, r.item)
		}
	}
	return inOrder(len(m.plan.Items), m.record, format, func(i int, ok bool, r *written) error {
		if !ok {
			return fmt.Errorf("the checkpoint record of item %s went missing during the merge", m.plan.Items[i].ID)
		}
		if err := out.AddRows(&r.rows); err != nil {
			return err
		}
		if plotted[r.item.ID] {
			m.report.Keep(r.item)
		}
		return nil
	})
}

// written is an item of the second pass: its result, calibrated, and its
// rows.
type written struct {
	item tournament.ItemResult
	rows output.Rows
}

func (m *merge) close() error { return m.files.Close() }
