package checkpoint

import (
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// Skip returns the IDs of records as a set, the form tournament.Config.Skip
// takes.
func Skip(records map[string]tournament.ItemResult) map[string]bool {
	skip := make(map[string]bool, len(records))
	for id := range records {
		skip[id] = true
	}
	return skip
}
