package report

// legendEntry is one key of the plots' legend.
type legendEntry struct {
	Label string
	Kind  string // "history", "forecast" or "band"
	Rank  int    // for bands: 0 is the widest
}

// legend describes the plots from the bands of the first one; every item
// of a run has the same interval levels.
func legend(plots []itemPlot) []legendEntry {
	out := []legendEntry{{Label: "History", Kind: "history"}, {Label: "Forecast", Kind: "forecast"}}
	bands := plots[0].Bands
	for i := len(bands) - 1; i >= 0; i-- {
		out = append(out, legendEntry{Label: bands[i].Level + " interval", Kind: "band", Rank: bands[i].Rank})
	}
	return out
}
