package series

// Report says what the loader did to the rows of a file to lay them out as
// series, and what it noticed, so that a run can tell its user.
type Report struct {
	// Missing is the meaning given to absent periods.
	Missing Missing `json:"missing"`
	// Delimiter is the CSV delimiter found in the header line: comma,
	// semicolon (with decimal commas in values) or tab; empty for Parquet.
	Delimiter string `json:"delimiter,omitempty"`
	// AbsentPeriods counts the periods without a row that the loader
	// filled in, inside an item's span or after its last row.
	AbsentPeriods int `json:"absent_periods"`
	// ExtendedItems counts the items whose last row came before the
	// dataset's last period and that were extended to it, so that every
	// item is forecast from the same date. Only dated series are extended:
	// an integer period index is each item's own clock (as in M4's files).
	ExtendedItems int `json:"extended_items"`
	// NegativeItems and NonIntegerItems count the items with a negative,
	// or a fractional, value: allowed (returns, weights) but worth a look
	// in demand data.
	NegativeItems   int `json:"negative_items"`
	NonIntegerItems int `json:"non_integer_items"`
	// FrequencyInferred is true when the frequency was read off the data;
	// FrequencyVotes then counts the items whose closest rows are one
	// period of each frequency apart. The most common spacing wins, a tie
	// the finer one; items on a coarser grid are placed on the finer one.
	FrequencyInferred bool              `json:"frequency_inferred,omitempty"`
	FrequencyVotes    map[Frequency]int `json:"frequency_votes,omitempty"`
}
