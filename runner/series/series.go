package series

import "time"

// Frequency is the sampling frequency of a dataset's time column.
type Frequency string

// Frequencies a dataset may declare.
const (
	Hourly    Frequency = "hourly"
	Daily     Frequency = "daily"
	Weekly    Frequency = "weekly"
	Monthly   Frequency = "monthly"
	Quarterly Frequency = "quarterly"
	Yearly    Frequency = "yearly"
)

// Series is one item's history on a regular grid, oldest first. A missing
// observation (an empty cell, or a period without a row when absent periods
// are not zero demand; see Missing) is NaN.
type Series struct {
	ID string
	// Start is the time of Values[0] when the time column holds dates; zero
	// when it holds an integer period index.
	Start time.Time
	// StartIndex is the period index of Values[0] when the time column holds
	// integers.
	StartIndex int64
	Values     []float64
}

// Dataset is every item of one input, in first-seen order.
type Dataset struct {
	Frequency Frequency
	Items     []Series
	// Report says how the rows were laid out and what was noticed; Read
	// fills it, a Dataset built by hand may leave it zero.
	Report Report
	// Summary describes every item of the input when it was read with
	// ReadOptions.Keep, which leaves only the kept items in Items; nil
	// otherwise.
	Summary *Summary
}
