package series

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"hash/maphash"
	"math"
)

// Summary describes every item of an input read with ReadOptions.Keep, so
// that each shard of a run can draw the same sample, name and date every
// item's results and identify the data without holding the values.
type Summary struct {
	// Items lists every item in first-seen order with its ID, Start (or
	// StartIndex) and a Values slice of its laid-out length. The values
	// are zeros, shared by all items (a few arrays of zeros, the longest
	// at most twice the longest item): enough to order, name and date
	// results, not to forecast.
	Items []Series
	// Demand holds each item's demand sizes, for classification.
	Demand []DemandSizes
	// Digest identifies the input: the SHA-256 of its bytes and of the
	// frequency, columns and meaning of absent periods that shape its
	// layout, as "sha256:<hex>".
	Digest string
	// freq and end are the input's frequency and last period, on which a
	// read with ReadOptions.Known lays its kept items out.
	freq Frequency
	end  int64
}

// Layout is s without its items: what ReadOptions.Known reads, for a
// caller that reads the input again later and need not keep the rest.
func (s *Summary) Layout() *Summary {
	return &Summary{Digest: s.Digest, freq: s.freq, end: s.end}
}

// DemandSizes is what demand classification (sample.Demand) needs of an
// item's laid-out values: the observed (non-NaN) periods, and the count,
// sum and sum of squares of the positive values, summed in time order.
type DemandSizes struct {
	Observed, Demands int
	Sum, SumSq        float64
}

// scanner keeps a few numbers per item while every row streams past, in
// place of the rows of items that are not kept.
type scanner struct {
	digest hash.Hash
	index  itemIndex
	last   int32
	items  scanItems
}

// itemIndex finds an item's position by its ID. It keys a map by a 64-bit
// hash of the ID rather than the ID itself: a shard indexes every item of
// the input, and at a million items a map keyed by strings took a fifth
// of a shard's read of its share, one keyed by hashes half as long. Positions
// are checked against the items' IDs (scanItem.id), so two IDs that
// share a hash are told apart, through a map keyed by ID for the later.
type itemIndex struct {
	hash     func(id string) uint64
	byHash   map[uint64]int32
	collided map[string]int32
}

func newItemIndex() itemIndex {
	seed := maphash.MakeSeed()
	return itemIndex{hash: func(id string) uint64 { return maphash.String(seed, id) }, byHash: map[uint64]int32{}}
}

// find returns id's position and whether it has one, and id's hash for
// add; idOf gives the ID at a position.
func (x *itemIndex) find(id string, idOf func(int32) string) (i int32, h uint64, ok bool) {
	h = x.hash(id)
	i, ok = x.byHash[h]
	if !ok || idOf(i) == id {
		return i, h, ok
	}
	i, ok = x.collided[id]
	return i, h, ok
}

// add records the position of a new item, whose hash find returned; the
// ID must be one find does not know, and a string of its own (the
// scanner keeps it as the item's ID).
func (x *itemIndex) add(id string, h uint64, i int32) {
	if _, taken := x.byHash[h]; !taken {
		x.byHash[h] = i
		return
	}
	if x.collided == nil {
		x.collided = map[string]int32{}
	}
	x.collided[id] = i
}

// scanItems are the items' statistics in blocks of a fixed size: a
// million items grow no slice of 80 MB by copying it.
type scanItems struct {
	blocks [][]scanItem
	n      int
}

const scanBlock = 1 << 12

func (s *scanItems) add() int {
	if s.n%scanBlock == 0 {
		s.blocks = append(s.blocks, make([]scanItem, scanBlock))
	}
	s.n++
	return s.n - 1
}

func (s *scanItems) at(i int) *scanItem { return &s.blocks[i/scanBlock][i%scanBlock] }

func (s *scanItems) len() int { return s.n }

// scanItem is one item's ID and running statistics; rows arrive in time
// order. The fields are ordered to leave no padding: a shard holds one per
// item of the whole input.
type scanItem struct {
	id                  string
	first               cellTime
	lastKey, gap        int64
	sum, sumSq          float64
	firstLine, lastLine uint32
	rows, nan, demands  int32
	negative, fraction  bool
}

// release drops the block holding item i once i is its last item, so that
// a pass over the items in order can hand their memory back as it goes.
func (s *scanItems) release(i int) {
	if i%scanBlock == scanBlock-1 || i == s.n-1 {
		s.blocks[i/scanBlock] = nil
	}
}

func newScanner() *scanner {
	return &scanner{digest: sha256.New(), index: newItemIndex(), last: -1}
}

func (s *scanner) lookup(id string) *scanItem {
	if s.last >= 0 {
		if it := s.items.at(int(s.last)); it.id == id {
			return it
		}
	}
	i, h, ok := s.index.find(id, func(i int32) string { return s.items.at(int(i)).id })
	if !ok {
		i = int32(s.items.add())
		s.index.add(id, h, i)
		s.items.at(int(i)).id = id
	}
	s.last = i
	return s.items.at(int(i))
}

// add counts one row. Rows of an item must come in time order: the sums
// must be taken in the order sample.Demand takes them, and the closest
// rows must be neighbours.
func (s *scanner) add(l *loader, id string, t cellTime, v float64, line int) error {
	it := s.lookup(id)
	ln := uint32(min(int64(line), math.MaxUint32))
	if it.rows == 0 {
		it.first, it.firstLine, it.gap = t, ln, math.MaxInt64
	} else {
		switch d := t.key - it.lastKey; {
		case d == 0:
			return l.fieldError(line, l.time, ErrDuplicate, "item %q already has a row for %s (%s %d)", id, formatKey(l.kind, t.key), l.where(), it.lastLine)
		case d < 0:
			return l.fieldError(line, l.time, ErrNeedsWholeInput, "item %q has a row for %s after one for %s", id, formatKey(l.kind, t.key), formatKey(l.kind, it.lastKey))
		default:
			it.gap = min(it.gap, d)
		}
	}
	it.lastKey, it.lastLine = t.key, ln
	it.rows++
	switch {
	case math.IsNaN(v):
		it.nan++
	case v > 0:
		it.demands++
		it.sum += v
		it.sumSq += v * v
	}
	it.negative = it.negative || v < 0
	it.fraction = it.fraction || (v != math.Trunc(v) && !math.IsNaN(v))
	return nil
}

// share lays out the kept items on the whole input's frequency and last
// period, and summarises every item.
func (l *loader) share(freq Frequency) (*Dataset, error) {
	if l.known != nil {
		return l.shareKnown()
	}
	s := l.scan
	s.index = itemIndex{} // every row is in: the index by ID is done with
	rep := Report{Missing: l.missing, Delimiter: l.delimiter}
	if l.kind != kindIndex && freq == "" && s.items.len() > 0 {
		votes, err := s.inferFrequency(l)
		if err != nil {
			return nil, err
		}
		freq, rep.FrequencyInferred, rep.FrequencyVotes = winner(votes), true, votes
	}
	end := s.lastKey(l.kind)
	// The kept items are laid out first: their rows as read take two and
	// a half times the memory of their laid-out values, and held beside
	// the summary they were a sixth of a shard's peak.
	kept, err := l.placeKept(freq, end, rep)
	if err != nil {
		return nil, err
	}
	sum, err := s.summarise(l, freq, end, &rep)
	if err != nil {
		return nil, err
	}
	sum.Digest, sum.freq, sum.end = s.finalDigest(l, freq), freq, end
	return &Dataset{Frequency: freq, Report: rep, Summary: sum, Items: kept}, nil
}

// shareKnown lays the kept items out on the frequency and last period of
// an earlier read of the same input (ReadOptions.Known).
func (l *loader) shareKnown() (*Dataset, error) {
	k := l.known
	rep := Report{Missing: l.missing, Delimiter: l.delimiter}
	ds := &Dataset{Frequency: k.freq, Report: rep, Summary: &Summary{Digest: l.scan.finalDigest(l, k.freq), freq: k.freq, end: k.end}}
	var err error
	if ds.Items, err = l.placeKept(k.freq, k.end, rep); err != nil {
		return nil, err
	}
	return ds, nil
}

// placeKept lays the kept items out, releasing their rows as it goes.
func (l *loader) placeKept(freq Frequency, end int64, rep Report) ([]Series, error) {
	items := make([]Series, len(l.items))
	var seen []uint32
	var err error
	for i, p := range l.items {
		if items[i], _, err = l.place(p, freq, end, l.missing, &seen); err != nil {
			return nil, l.explainOffGrid(err, rep)
		}
		l.items[i] = nil
	}
	return items, nil
}

// inferFrequency votes as loader.inferFrequency does, from each item's
// closest neighbouring rows.
func (s *scanner) inferFrequency(l *loader) (frequencyVotes, error) {
	votes := frequencyVotes{}
	odd := -1
	for i := range s.items.len() {
		it := s.items.at(i)
		if it.gap == math.MaxInt64 {
			continue
		}
		if f, ok := frequencyOfGap(it.gap); ok {
			votes[f]++
		} else if odd < 0 {
			odd = i
		}
	}
	switch {
	case len(votes) > 0:
		return votes, nil
	case odd >= 0:
		return nil, l.fieldError(int(s.items.at(odd).firstLine), l.time, ErrBadTime,
			"cannot infer the frequency from item %q: its closest rows are %s apart; set it explicitly", s.items.at(odd).id, describeGap(s.items.at(odd).gap))
	}
	return nil, l.fieldError(int(s.items.at(0).firstLine), l.time, ErrBadTime,
		"cannot infer the frequency: no item has rows at two different times; set it explicitly")
}

func (s *scanner) lastKey(kind timeKind) int64 {
	end := int64(math.MinInt64)
	if kind == kindIndex {
		return end
	}
	for i := range s.items.len() {
		end = max(end, s.items.at(i).lastKey)
	}
	return end
}

// summarise works out each item's laid-out length and demand sizes, as
// place and notice would from its rows, and adds them to rep. It is the
// last use of the scanner's items and releases them block by block as it
// goes, so that the summary of every item and the scanner's statistics of
// every item are not both held to its end.
func (s *scanner) summarise(l *loader, freq Frequency, end int64, rep *Report) (*Summary, error) {
	sum := &Summary{Items: make([]Series, s.items.len()), Demand: make([]DemandSizes, s.items.len())}
	var zeros []float64
	for i := range s.items.len() {
		it := s.items.at(i)
		n, extended, err := s.span(l, i, freq, end)
		if err != nil {
			return nil, err
		}
		observed := n - int(it.nan)
		if l.missing == MissingUnknown {
			observed = int(it.rows - it.nan)
		}
		sum.Demand[i] = DemandSizes{Observed: observed, Demands: int(it.demands), Sum: it.sum, SumSq: it.sumSq}
		rep.AbsentPeriods += n - int(it.rows)
		rep.ExtendedItems += b2i(extended)
		rep.NegativeItems += b2i(it.negative)
		rep.NonIntegerItems += b2i(it.fraction)
		if n > len(zeros) {
			zeros = make([]float64, 2*n) // items laid out so far keep the shorter array
		}
		sum.Items[i] = Series{ID: it.id, Values: zeros[:n:n]}
		if l.kind == kindIndex {
			sum.Items[i].StartIndex = it.first.key
		} else {
			sum.Items[i].Start = it.first.start()
		}
		s.items.release(i)
	}
	return sum, nil
}

// span is item i's laid-out length, checked as toSlots checks it, and
// whether it was extended to the dataset's last period.
func (s *scanner) span(l *loader, i int, freq Frequency, end int64) (n int, extended bool, err error) {
	it := s.items.at(i)
	g := newGrid(l.kind, freq, it.first.key)
	lo, _ := g.slot(it.first.key)
	hi, _ := g.slot(it.lastKey)
	limit := max(maxSpanFloor, maxSpanPerRow*int64(it.rows))
	if span := hi - lo; span < 0 || span >= limit {
		return 0, false, l.fieldError(int(it.lastLine), l.time, ErrBadTime, "item %q runs from %s to %s, more than %d periods for %d rows; is a time mistyped?",
			it.id, formatKey(l.kind, it.first.key), formatKey(l.kind, it.lastKey), limit, it.rows)
	}
	if last, ok := g.slotAtOrBefore(end); ok && last > hi {
		hi, extended = last, true
	}
	return int(hi - lo + 1), extended, nil
}

// finalDigest adds to the input's bytes what else decides its layout.
func (s *scanner) finalDigest(l *loader, freq Frequency) string {
	for _, part := range []string{string(freq), string(l.missing), l.cols.Item, l.cols.Time, l.cols.Value} {
		s.digest.Write([]byte{0})
		s.digest.Write([]byte(part))
	}
	return "sha256:" + hex.EncodeToString(s.digest.Sum(nil))
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
