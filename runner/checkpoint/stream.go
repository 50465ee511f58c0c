package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Shards reads the records of a run's shard checkpoints one at a time, in
// the order the caller asks for them, so that a merge holds one record at
// a time instead of all of them (Merge). A shard appends its items roughly
// in the run's order (its workers take them in turn), so asking for the
// run's items in order reads each file forward; a record met before its
// turn is remembered by its place in the file, not decoded and kept, and
// read again when asked for.
//
// Like Merge, Shards takes no lock: a shard still appending is read up to
// its last complete line.
type Shards struct {
	files []*shardFile
}

// shardFile is one shard's checkpoint, read forward.
type shardFile struct {
	path string
	f    *os.File
	r    *bufio.Reader
	next int64 // the offset of the next unread line
	end  bool  // no further complete record
	line []byte
	// ahead holds the records read past before they were asked for: the
	// offset and length of each line, by item ID.
	ahead map[string]span
}

type span struct {
	off int64
	n   int
}

// OpenShards opens the checkpoints of shards 0 to shards-1 under dir for
// reading. A missing checkpoint holds no record; one of another
// fingerprint is an error wrapping ErrMismatch, as in Merge.
func OpenShards(dir string, shards int, fingerprint string) (*Shards, error) {
	s := &Shards{files: make([]*shardFile, max(shards, 1))}
	for i := range s.files {
		sf, err := openShardFile(Path(dir, i), i, fingerprint)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.files[i] = sf
	}
	return s, nil
}

func openShardFile(path string, index int, fingerprint string) (*shardFile, error) {
	sf := &shardFile{path: path, ahead: map[string]span{}, end: true}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return sf, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading checkpoint: %w", err)
	}
	sf.f, sf.r = f, bufio.NewReaderSize(f, 256<<10)
	first, err := sf.r.ReadBytes('\n')
	if err == io.EOF {
		return sf, nil // no complete header: nothing committed
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading checkpoint %s: %w", path, err)
	}
	var h header
	if json.Unmarshal(first, &h) != nil || !h.matches(index, fingerprint) {
		f.Close()
		return nil, fmt.Errorf("merging checkpoint %s: %w", path, ErrMismatch)
	}
	sf.next, sf.end = int64(len(first)), false
	return sf, nil
}

// Close closes every file.
func (s *Shards) Close() error {
	var err error
	for _, sf := range s.files {
		if sf != nil && sf.f != nil {
			err = errors.Join(err, sf.f.Close())
		}
	}
	return err
}

// Rewind starts every shard's file over, for another pass in order.
func (s *Shards) Rewind() error {
	for _, sf := range s.files {
		if sf.f == nil {
			continue
		}
		if _, err := sf.f.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("reading checkpoint %s: %w", sf.path, err)
		}
		sf.r.Reset(sf.f)
		first, err := sf.r.ReadBytes('\n')
		if err != nil {
			return fmt.Errorf("reading checkpoint %s: %w", sf.path, err)
		}
		sf.next, sf.end, sf.ahead = int64(len(first)), false, map[string]span{}
	}
	return nil
}

// Ahead counts the records read past but not yet asked for, over every
// shard: what reading out of the files' order costs.
func (s *Shards) Ahead() int {
	n := 0
	for _, sf := range s.files {
		n += len(sf.ahead)
	}
	return n
}

// Record returns the JSON line of item id's record in shard's checkpoint,
// or false when the shard has not recorded it. The line is valid until the
// next call; decode it with json.Unmarshal into a tournament.ItemResult,
// or into a smaller struct for fewer of its fields.
func (s *Shards) Record(shard int, id string) ([]byte, bool, error) {
	if shard < 0 || shard >= len(s.files) {
		return nil, false, fmt.Errorf("checkpoint: no shard %d of %d", shard, len(s.files))
	}
	return s.files[shard].record(id)
}

func (sf *shardFile) record(id string) ([]byte, bool, error) {
	if sp, ok := sf.ahead[id]; ok {
		delete(sf.ahead, id)
		line, err := sf.readAt(sp)
		return line, err == nil, err
	}
	for !sf.end {
		line, err := sf.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			line, err = sf.longLine(line)
		}
		if err == io.EOF {
			sf.end = true // a final line without its newline is torn
			break
		}
		if err != nil {
			return nil, false, fmt.Errorf("reading checkpoint %s: %w", sf.path, err)
		}
		got, ok := recordID(line)
		if !ok {
			sf.end = true // reading stops at a line that does not decode, as parse does
			break
		}
		sp := span{off: sf.next, n: len(line)}
		sf.next += int64(len(line))
		if got == id {
			return line, true, nil
		}
		sf.ahead[got] = sp
	}
	return nil, false, nil
}

// longLine completes a line longer than the reader's buffer.
func (sf *shardFile) longLine(part []byte) ([]byte, error) {
	sf.line = append(sf.line[:0], part...)
	for {
		more, err := sf.r.ReadSlice('\n')
		sf.line = append(sf.line, more...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return sf.line, err
		}
	}
}

func (sf *shardFile) readAt(sp span) ([]byte, error) {
	if cap(sf.line) < sp.n {
		sf.line = make([]byte, sp.n)
	}
	sf.line = sf.line[:sp.n]
	if _, err := sf.f.ReadAt(sf.line, sp.off); err != nil {
		return nil, fmt.Errorf("reading checkpoint %s: %w", sf.path, err)
	}
	return sf.line, nil
}

// idPrefix is how every record Append writes begins up to its ID:
// tournament.ItemResult's first two fields.
var idPrefix = []byte(`{"Index":`)

// recordID reads a record's item ID without decoding the rest: from the
// prefix Append writes when the line has it, else by decoding the line.
// A line that is not a record with an ID gives false; a line with the
// prefix is not checked further (the caller decodes it, and a complete
// line Append wrote with one write(2) is whole).
func recordID(line []byte) (string, bool) {
	if rest, ok := bytes.CutPrefix(line, idPrefix); ok {
		if comma := bytes.IndexByte(rest, ','); comma > 0 {
			if tail, ok := bytes.CutPrefix(rest[comma+1:], []byte(`"ID":`)); ok && len(tail) > 0 && tail[0] == '"' {
				if end := bytes.IndexByte(tail[1:], '"'); end >= 0 && bytes.IndexByte(tail[1:end+1], '\\') < 0 {
					if id := string(tail[1 : end+1]); id != "" {
						return id, true
					}
				}
			}
		}
	}
	var rec struct{ ID string }
	if err := json.Unmarshal(bytes.TrimSpace(line), &rec); err != nil || rec.ID == "" {
		return "", false
	}
	return rec.ID, true
}
