package job

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
)

// The files of the dataset's index: where each shard's items' rows lie in
// the input, written as the first read goes, and the writing of a file
// whole under its name or not at all.

// shardRuns writes each run of rows a read finds to the spans file of
// the shard that owns its item, as the read goes, with the item's ID, so
// that the shard that writes the results can read the plotted items'
// history alone. At a million items, holding the runs until the read
// ended took the indexing shard 30 to 60 MB.
type shardRuns struct {
	files []*spansWriter
	count int
	bytes int64
	// scattered is set when the runs are so short that reading them one
	// by one would cost more than the rows are worth: a file sorted by
	// date has one run per row.
	scattered bool
	err       error
}

// itemRun is a run of rows of the item ID.
type itemRun struct {
	ID   string
	Span series.Span
}

// Runs shorter than minRunBytes on average, after judgeAfterRuns runs,
// make the rows scattered.
const (
	minRunBytes    = 64
	judgeAfterRuns = 1 << 16
)

// newShardRuns creates the spans files of shards shards in folder, each
// under a temporary name until finish.
func newShardRuns(folder string, shards int) (*shardRuns, error) {
	s := &shardRuns{}
	for k := range shards {
		f, err := os.Create(spansFile(folder, k) + ".tmp")
		if err != nil {
			s.abort()
			return nil, fmt.Errorf("writing the dataset's index: %w", err)
		}
		s.files = append(s.files, &spansWriter{f: f, w: bufio.NewWriter(f)})
	}
	return s, nil
}

func (s *shardRuns) Header(sp series.Span) {
	for _, w := range s.files {
		w.header(sp)
	}
}

// Run writes id's run to the spans file of the shard that owns id.
func (s *shardRuns) Run(id string, sp series.Span) {
	if s.scattered || s.err != nil {
		return
	}
	s.count++
	s.bytes += sp.End - sp.Start
	if s.count >= judgeAfterRuns && s.bytes < int64(s.count)*minRunBytes {
		s.scattered = true
		return
	}
	s.err = s.files[shard.Of(id, len(s.files))].run(itemRun{id, sp})
}

// finish ends every spans file and gives it its name.
func (s *shardRuns) finish() error {
	switch {
	case s.scattered:
		return errors.New("the rows are not grouped by item")
	case s.err != nil:
		return fmt.Errorf("writing the dataset's index: %w", s.err)
	}
	for _, w := range s.files {
		if err := w.finish(); err != nil {
			return fmt.Errorf("writing the dataset's index: %w", err)
		}
	}
	return nil
}

// abort removes the spans files that finish did not name.
func (s *shardRuns) abort() {
	for _, w := range s.files {
		w.f.Close()
		os.Remove(w.f.Name())
	}
}

// spansOf are the spans of runs, joined where one run follows another.
func spansOf(runs []itemRun) []series.Span {
	out := make([]series.Span, 0, len(runs))
	for _, r := range runs {
		if n := len(out); n > 0 && out[n-1].End == r.Span.Start {
			out[n-1].End = r.Span.End
			continue
		}
		out = append(out, r.Span)
	}
	return out
}

func spansFile(folder string, index int) string {
	return filepath.Join(folder, "spans-"+strconv.Itoa(index))
}

func writeAtomically(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("writing the dataset's index: %w", err)
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing the dataset's index: %w", err)
	}
	return nil
}

// spansMagic starts a spans file; its last digit is the format's version.
const spansMagic = "forecastrun-spans-2\n"

// spansWriter writes a spans file: the magic, the header's span, then for
// each run its item's ID, its distance from the end of the run before it
// and its length, as varints (a few bytes more than the ID per item), and
// an empty ID to end, by which a reader tells a whole file from one cut
// short.
type spansWriter struct {
	f   *os.File
	w   *bufio.Writer
	end int64
	buf []byte
}

func (w *spansWriter) header(sp series.Span) {
	b := append(w.buf[:0], spansMagic...)
	b = binary.AppendUvarint(b, uint64(sp.Start))
	b = binary.AppendUvarint(b, uint64(sp.End-sp.Start))
	w.w.Write(b) // errors stay in w.w until finish
	w.buf, w.end = b, sp.End
}

func (w *spansWriter) run(r itemRun) error {
	b := binary.AppendUvarint(w.buf[:0], uint64(len(r.ID)))
	b = append(b, r.ID...)
	b = binary.AppendUvarint(b, uint64(r.Span.Start-w.end))
	b = binary.AppendUvarint(b, uint64(r.Span.End-r.Span.Start))
	w.buf, w.end = b, r.Span.End
	_, err := w.w.Write(b)
	return err
}

func (w *spansWriter) finish() error {
	w.w.WriteByte(0)
	err := w.w.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.f.Name(), strings.TrimSuffix(w.f.Name(), ".tmp"))
	}
	return err
}

// readSpansFile reads what a spansWriter wrote.
func readSpansFile(path string) (header series.Span, runs []itemRun, err error) {
	f, err := os.Open(path)
	if err != nil {
		return header, nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	magic := make([]byte, len(spansMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != spansMagic {
		return header, nil, fmt.Errorf("%s is not a spans file of this version", path)
	}
	var v [2]uint64
	for i := range v {
		if v[i], err = binary.ReadUvarint(br); err != nil {
			return header, nil, fmt.Errorf("reading %s: %w", path, err)
		}
	}
	header = series.Span{Start: int64(v[0]), End: int64(v[0] + v[1])}
	end, id := header.End, []byte(nil)
	for {
		done, err := readRun(br, &id, &end, &runs)
		if err != nil {
			return header, nil, fmt.Errorf("reading %s: %w", path, err)
		}
		if done {
			return header, runs, nil
		}
	}
}

// readRun reads the run after the one that ended at end, or the empty
// ID that ends the file (done).
func readRun(br *bufio.Reader, id *[]byte, end *int64, runs *[]itemRun) (done bool, err error) {
	n, err := binary.ReadUvarint(br)
	switch {
	case errors.Is(err, io.EOF):
		return false, errors.New("the file is cut short")
	case err != nil:
		return false, err
	case n == 0:
		return true, nil
	case n > 1<<20:
		return false, fmt.Errorf("an ID of %d bytes", n)
	}
	*id = append((*id)[:0], make([]byte, n)...)
	if _, err := io.ReadFull(br, *id); err != nil {
		return false, err
	}
	gap, err1 := binary.ReadUvarint(br)
	length, err2 := binary.ReadUvarint(br)
	if err := errors.Join(err1, err2); err != nil {
		return false, err
	}
	sp := series.Span{Start: *end + int64(gap), End: *end + int64(gap+length)}
	*runs, *end = append(*runs, itemRun{string(*id), sp}), sp.End
	return false, nil
}
