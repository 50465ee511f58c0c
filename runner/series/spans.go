package series

import (
	"errors"
	"fmt"
	"io"
)

// A Span is the bytes [Start, End) of an input.
type Span struct{ Start, End int64 }

// SpanSink learns where the rows of a CSV input lie as it is read (see
// ReadOptions.Spans): the shards of a run read the input once between
// them, and each then reads only its items' rows (ReadSpans).
type SpanSink interface {
	// Header is the span of the header line.
	Header(Span)
	// Run is the span of a run of consecutive rows of the item id, called
	// when the run ends. An item whose rows are not all together (a file
	// sorted by date) has several runs.
	Run(id string, s Span)
}

// ErrInputChanged reports an input that ends before a span read from it.
var ErrInputChanged = errors.New("the input is shorter than when its rows were located; has it changed?")

// ReadSpans reads the header of a CSV input and then only the rows in
// spans (in input order, not overlapping), as Read reads the whole
// input. Spans from a SpanSink must come from a read of the same bytes:
// a span that starts inside a row gives a garbled row. With opts.Keep and
// opts.Known it reads a shard's items from the spans an earlier read found
// for them; the returned Summary's digest is then the digest of the bytes
// read, not of the input. Lines in errors are counted in the bytes read.
func ReadSpans(r io.ReaderAt, name string, header Span, spans []Span, opts ReadOptions) (*Dataset, error) {
	all := make([]Span, 0, len(spans)+1)
	all = append(append(all, header), spans...)
	return Read(&spanReader{r: r, spans: all}, name, opts)
}

// spanReader reads its spans one after the other.
type spanReader struct {
	r     io.ReaderAt
	spans []Span
}

func (s *spanReader) Read(p []byte) (int, error) {
	for len(s.spans) > 0 && s.spans[0].Start >= s.spans[0].End {
		s.spans = s.spans[1:]
	}
	if len(s.spans) == 0 {
		return 0, io.EOF
	}
	sp := &s.spans[0]
	want := int(min(int64(len(p)), sp.End-sp.Start))
	n, err := s.r.ReadAt(p[:want], sp.Start)
	sp.Start += int64(n)
	switch {
	case n < want && (err == nil || err == io.EOF):
		return n, fmt.Errorf("reading bytes %d to %d: %w", sp.Start, sp.End, ErrInputChanged)
	case err == io.EOF:
		err = nil
	}
	return n, err
}
