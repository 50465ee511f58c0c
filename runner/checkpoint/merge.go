package checkpoint

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// Merge reads the checkpoints of shards 0 to shards-1 under dir and
// returns every recorded item, keyed by ID. A shard without a checkpoint
// contributes nothing; a checkpoint of another fingerprint is an error
// wrapping ErrMismatch. Merge takes no lock: a shard still appending is
// read up to its last complete line.
func Merge(dir string, shards int, fingerprint string) (map[string]tournament.ItemResult, error) {
	all := map[string]tournament.ItemResult{}
	for i := range max(shards, 1) {
		c, err := readFile(Path(dir, i))
		if err != nil {
			return nil, err
		}
		if c.empty {
			continue
		}
		if !c.header.matches(i, fingerprint) {
			return nil, fmt.Errorf("merging checkpoint %s: %w", Path(dir, i), ErrMismatch)
		}
		for id, rec := range c.records {
			all[id] = rec
		}
	}
	return all, nil
}

// Order lays recorded items out in the order of items (the series given to
// tournament.Run, before sharding) and points each result's Index at its
// series there, as output and report expect. missing lists, in order, the
// IDs of items without a record.
func Order(records map[string]tournament.ItemResult, items []series.Series) (results []tournament.ItemResult, missing []string) {
	results = make([]tournament.ItemResult, 0, len(records))
	for i, s := range items {
		rec, ok := records[s.ID]
		if !ok {
			missing = append(missing, s.ID)
			continue
		}
		rec.Index = i
		results = append(results, rec)
	}
	return results, missing
}

// Skip returns the IDs of records as a set, the form tournament.Config.Skip
// takes.
func Skip(records map[string]tournament.ItemResult) map[string]bool {
	skip := make(map[string]bool, len(records))
	for id := range records {
		skip[id] = true
	}
	return skip
}
