package series

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// An item may span at most maxSpanFloor periods, or maxSpanPerRow per row
// when that is more, so that a typo in a time cell (year 2302 for 2023)
// reports an error instead of allocating gigabytes.
const (
	maxSpanFloor  = 100_000
	maxSpanPerRow = 1_000
)

// dataset lays every item out on its grid, from its first row to its last
// or, for dated series, to the dataset's last period.
func (l *loader) dataset(freq Frequency, missing Missing) (*Dataset, error) {
	rep := Report{Missing: missing, Delimiter: l.delimiter}
	if l.kind != kindIndex && freq == "" && len(l.items) > 0 {
		votes, err := l.inferFrequency()
		if err != nil {
			return nil, err
		}
		freq, rep.FrequencyInferred, rep.FrequencyVotes = winner(votes), true, votes
	}
	end := l.lastKey()
	ds := &Dataset{Frequency: freq, Items: make([]Series, len(l.items))}
	var seen []uint32 // line of the row placed in each period; reused across items
	for i, p := range l.items {
		s, extended, err := l.place(p, freq, end, missing, &seen)
		if err != nil {
			return nil, l.explainOffGrid(err, rep)
		}
		l.notice(&rep, p, len(s.Values), extended)
		ds.Items[i] = s
		l.items[i] = nil // let the row buffers go as soon as they are laid out
	}
	ds.Report = rep
	return ds, nil
}

// lastKey is the latest time of any row for dated series, to which every
// item is extended; for an integer index, each item's own clock, it is
// math.MinInt64, which extends nothing.
func (l *loader) lastKey() int64 {
	end := int64(math.MinInt64)
	if l.kind == kindIndex {
		return end
	}
	for _, p := range l.items {
		for _, k := range p.keys {
			end = max(end, k)
		}
	}
	return end
}

// notice counts what the report tells about item p laid out on n periods,
// extended or not to the dataset's last period.
func (l *loader) notice(rep *Report, p *pending, n int, extended bool) {
	rep.AbsentPeriods += n - len(p.keys)
	if extended {
		rep.ExtendedItems++
	}
	negative, fractional := false, false
	for _, v := range p.values {
		negative = negative || v < 0
		fractional = fractional || (v != math.Trunc(v) && !math.IsNaN(v))
	}
	if negative {
		rep.NegativeItems++
	}
	if fractional {
		rep.NonIntegerItems++
	}
}

// place puts one item's rows on the grid from its first row to its last,
// or to the period holding end when that is later, filling absent periods
// as missing says; extended reports the latter.
func (l *loader) place(p *pending, freq Frequency, end int64, missing Missing, seen *[]uint32) (s Series, extended bool, err error) {
	g := newGrid(l.kind, freq, p.first.key)
	lo, hi, err := l.toSlots(p, freq, g)
	if err != nil {
		return Series{}, false, err
	}
	if last, ok := g.slotAtOrBefore(end); ok && last > hi {
		hi, extended = last, true
	}
	s = Series{ID: p.id, Values: make([]float64, hi-lo+1)}
	if l.kind == kindIndex {
		s.StartIndex = lo
	} else {
		s.Start = p.first.start()
	}
	*seen = slices.Grow((*seen)[:0], len(s.Values))[:len(s.Values)]
	clear(*seen)
	for j, slot := range p.keys {
		at := slot - lo
		if prev := (*seen)[at]; prev != 0 {
			return Series{}, false, l.fieldError(int(p.lines[j]), l.time, ErrDuplicate,
				"item %q already has a row for %s (%s %d)", p.id, l.periodName(freq, s, at), l.where(), prev)
		}
		(*seen)[at] = max(p.lines[j], 1)
		s.Values[at] = p.values[j]
	}
	fill := missing.absentValue()
	absent := 0
	for at, line := range *seen {
		if line == 0 {
			s.Values[at] = fill
			absent++
		}
	}
	if missing == MissingInterpolate && absent > 0 {
		isAbsent := make([]bool, len(s.Values))
		for at, line := range *seen {
			isAbsent[at] = line == 0
		}
		fillAbsent(s.Values, isAbsent)
	}
	return s, extended, nil
}

// toSlots replaces each of the item's time keys by its period number and
// returns the first and last period, checking that every time is on the
// grid and that the span is plausible.
func (l *loader) toSlots(p *pending, freq Frequency, g grid) (lo, hi int64, err error) {
	lo, hi = math.MaxInt64, math.MinInt64
	hiRow, hiKey := 0, int64(0)
	for j, k := range p.keys {
		slot, ok := g.slot(k)
		if !ok {
			return 0, 0, l.fieldError(int(p.lines[j]), l.time, ErrOffGrid, "%s is not on the %s grid of item %q, which starts at %s",
				formatKey(l.kind, k), freq, p.id, formatKey(l.kind, p.first.key))
		}
		p.keys[j] = slot
		if slot > hi {
			hi, hiRow, hiKey = slot, j, k
		}
		lo = min(lo, slot)
	}
	limit := max(maxSpanFloor, maxSpanPerRow*int64(len(p.keys)))
	if span := hi - lo; span < 0 || span >= limit { // span < 0: the subtraction overflowed
		return 0, 0, l.fieldError(int(p.lines[hiRow]), l.time, ErrBadTime, "item %q runs from %s to %s, more than %d periods for %d rows; is a time mistyped?",
			p.id, formatKey(l.kind, p.first.key), formatKey(l.kind, hiKey), limit, len(p.keys))
	}
	return lo, hi, nil
}

// periodName formats the time of s.Values[at] for messages.
func (l *loader) periodName(freq Frequency, s Series, at int64) string {
	if l.kind == kindIndex {
		return fmt.Sprint(s.StartIndex + at)
	}
	layout := time.DateOnly
	if l.kind == kindDateTime {
		layout = "2006-01-02T15:04:05"
	}
	return freq.Step(s.Start, int(at)).Format(layout)
}

// grid maps a time key to its period number on the frequency's grid.
// Periods are counted from the item's earliest row, so weekly, quarterly
// and yearly data may start on any weekday or month.
type grid struct {
	index  bool // integer keys are period numbers already
	step   frequencyInfo
	anchor int64 // earliest key, and its day and month numbers
	day    int64
	month  int64
}

func newGrid(kind timeKind, freq Frequency, anchor int64) grid {
	day := floorDiv64(anchor, secondsPerDay)
	return grid{index: kind == kindIndex, step: frequencies[freq], anchor: anchor, day: day, month: monthIndex(day)}
}

func (g grid) slot(key int64) (int64, bool) {
	if g.index {
		return key, true
	}
	d, step := g.offset(key)
	return d / step, d%step == 0
}

// offset is how far key lies from the grid's anchor, in the grid's unit
// (seconds, days or months), and the grid's step in that unit.
func (g grid) offset(key int64) (d, step int64) {
	switch {
	case g.step.hours > 0:
		return key - g.anchor, int64(g.step.hours) * 3600
	case g.step.days > 0:
		// Daily and weekly periods are calendar dates; the clock is ignored.
		return floorDiv64(key, secondsPerDay) - g.day, int64(g.step.days)
	default:
		return monthIndex(floorDiv64(key, secondsPerDay)) - g.month, int64(g.step.months)
	}
}

// slotAtOrBefore is the last period on the grid that starts no later than
// key; ok is false for an integer index, whose keys are not shared times.
func (g grid) slotAtOrBefore(key int64) (slot int64, ok bool) {
	if g.index || key == math.MinInt64 {
		return 0, false
	}
	d, step := g.offset(key)
	return floorDiv64(d, step), true
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// inferFrequency counts, for every item with rows at two different times,
// the frequency of its closest pair of rows. An item whose closest rows
// are no frequency's step apart (3 days, say) does not vote. It is an
// error when no item votes.
func (l *loader) inferFrequency() (frequencyVotes, error) {
	votes := frequencyVotes{}
	var odd *pending
	var oddGap int64
	for _, p := range l.items {
		gap, ok := closestGap(p.keys)
		if !ok {
			continue
		}
		if f, ok := frequencyOfGap(gap); ok {
			votes[f]++
		} else if odd == nil {
			odd, oddGap = p, gap
		}
	}
	switch {
	case len(votes) > 0:
		return votes, nil
	case odd != nil:
		return nil, l.fieldError(int(odd.lines[0]), l.time, ErrBadTime,
			"cannot infer the frequency from item %q: its closest rows are %s apart; set it explicitly", odd.id, describeGap(oddGap))
	}
	return nil, l.fieldError(int(l.items[0].lines[0]), l.time, ErrBadTime,
		"cannot infer the frequency: no item has rows at two different times; set it explicitly")
}

// closestGap is the smallest positive distance between two keys; ok is
// false when there are no two different keys. Rows usually come in time
// order, which spares the sort.
func closestGap(keys []int64) (gap int64, ok bool) {
	if !slices.IsSorted(keys) {
		keys = slices.Clone(keys)
		slices.Sort(keys)
	}
	gap = math.MaxInt64
	for i := 1; i < len(keys); i++ {
		if d := keys[i] - keys[i-1]; d > 0 {
			gap = min(gap, d)
		}
	}
	return gap, gap != math.MaxInt64
}

// frequencyVotes counts items by the frequency of their closest rows.
type frequencyVotes = map[Frequency]int

// finestFirst orders the frequencies from the shortest step to the longest.
var finestFirst = []Frequency{Hourly, Daily, Weekly, Monthly, Quarterly, Yearly}

// winner is the frequency most items vote for; a tie goes to the finer
// one, on whose grid the items of the coarser one fit too.
func winner(votes frequencyVotes) Frequency {
	var best Frequency
	for _, f := range finestFirst {
		if votes[f] > votes[best] {
			best = f
		}
	}
	return best
}

// explainOffGrid adds to an off-grid error, when the frequency was
// inferred, how the vote went, so that the user sees why the grid is
// coarser than that item's rows and what to set.
func (l *loader) explainOffGrid(err error, rep Report) error {
	var pe *ParseError
	if !rep.FrequencyInferred || !errors.As(err, &pe) || !errors.Is(err, ErrOffGrid) {
		return err
	}
	pe.Err = fmt.Errorf("%w (the frequency was inferred from the closest rows of each item: %s; set it explicitly)", pe.Err, describeVotes(rep.FrequencyVotes))
	return pe
}

func describeVotes(votes frequencyVotes) string {
	parts := make([]string, 0, len(votes))
	for _, f := range finestFirst {
		if n := votes[f]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, f))
		}
	}
	return strings.Join(parts, ", ")
}

func frequencyOfGap(seconds int64) (Frequency, bool) {
	if seconds == 3600 {
		return Hourly, true
	}
	if seconds%secondsPerDay != 0 {
		return "", false
	}
	switch days := seconds / secondsPerDay; {
	case days == 1:
		return Daily, true
	case days == 7:
		return Weekly, true
	case days >= 28 && days <= 31:
		return Monthly, true
	case days >= 89 && days <= 92:
		return Quarterly, true
	case days == 365 || days == 366:
		return Yearly, true
	}
	return "", false
}

func describeGap(seconds int64) string {
	if seconds%secondsPerDay == 0 {
		return fmt.Sprintf("%d days", seconds/secondsPerDay)
	}
	return (time.Duration(seconds) * time.Second).String()
}
