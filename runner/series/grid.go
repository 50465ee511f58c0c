package series

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// An item may span at most maxSpanFloor periods, or maxSpanPerRow per row
// when that is more, so that a typo in a time cell (year 2302 for 2023)
// reports an error instead of allocating gigabytes.
const (
	maxSpanFloor  = 100_000
	maxSpanPerRow = 1_000
)

// dataset lays every item out on its grid.
func (l *loader) dataset(freq Frequency) (*Dataset, error) {
	if l.kind != kindIndex && freq == "" && len(l.items) > 0 {
		f, err := l.inferFrequency()
		if err != nil {
			return nil, err
		}
		freq = f
	}
	ds := &Dataset{Frequency: freq, Items: make([]Series, len(l.items))}
	var seen []uint32 // line of the row placed in each period; reused across items
	for i, p := range l.items {
		s, err := l.place(p, freq, &seen)
		if err != nil {
			return nil, err
		}
		ds.Items[i] = s
		l.items[i] = nil // let the row buffers go as soon as they are laid out
	}
	return ds, nil
}

// place puts one item's rows on the grid, filling gaps with NaN.
func (l *loader) place(p *pending, freq Frequency, seen *[]uint32) (Series, error) {
	lo, hi, err := l.toSlots(p, freq)
	if err != nil {
		return Series{}, err
	}
	s := Series{ID: p.id, Values: make([]float64, hi-lo+1)}
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
			return Series{}, l.fieldError(int(p.lines[j]), l.time, ErrDuplicate,
				"item %q already has a row for %s (line %d)", p.id, l.periodName(freq, s, at), prev)
		}
		(*seen)[at] = max(p.lines[j], 1)
		s.Values[at] = p.values[j]
	}
	for at, line := range *seen {
		if line == 0 {
			s.Values[at] = math.NaN()
		}
	}
	return s, nil
}

// toSlots replaces each of the item's time keys by its period number and
// returns the first and last period, checking that every time is on the
// grid and that the span is plausible.
func (l *loader) toSlots(p *pending, freq Frequency) (lo, hi int64, err error) {
	g := newGrid(l.kind, freq, p.first.key)
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
	var d, step int64
	switch {
	case g.index:
		return key, true
	case g.step.hours > 0:
		d, step = key-g.anchor, int64(g.step.hours)*3600
	case g.step.days > 0:
		// Daily and weekly periods are calendar dates; the clock is ignored.
		d, step = floorDiv64(key, secondsPerDay)-g.day, int64(g.step.days)
	default:
		d, step = monthIndex(floorDiv64(key, secondsPerDay))-g.month, int64(g.step.months)
	}
	return d / step, d%step == 0
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// inferFrequency reads the frequency off the smallest spacing between the
// distinct times of the first item that has two of them.
func (l *loader) inferFrequency() (Frequency, error) {
	for _, p := range l.items {
		keys := slices.Clone(p.keys)
		slices.Sort(keys)
		keys = slices.Compact(keys)
		if len(keys) < 2 {
			continue
		}
		gap := int64(math.MaxInt64)
		for i := 1; i < len(keys); i++ {
			gap = min(gap, keys[i]-keys[i-1])
		}
		if f, ok := frequencyOfGap(gap); ok {
			return f, nil
		}
		return "", l.fieldError(int(p.lines[0]), l.time, ErrBadTime,
			"cannot infer the frequency from item %q: its closest rows are %s apart; set it explicitly", p.id, describeGap(gap))
	}
	p := l.items[0]
	return "", l.fieldError(int(p.lines[0]), l.time, ErrBadTime,
		"cannot infer the frequency: no item has rows at two different times; set it explicitly")
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
