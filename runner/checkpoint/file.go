package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/forecastrun/forecastrun/runner/tournament"
)

// Folder is the checkpoint folder's name inside the run's output folder.
const Folder = ".checkpoint"

// format names the file layout in every header.
const format = "forecastrun-checkpoint/v1"

// ErrMismatch reports a checkpoint written for another run or shard.
var ErrMismatch = errors.New("checkpoint belongs to another run configuration")

// header is the first line of a checkpoint file.
type header struct {
	Format      string `json:"format"`
	Fingerprint string `json:"fingerprint"`
	Shard       int    `json:"shard"`
}

// Path returns the checkpoint file of shard index under dir.
func Path(dir string, index int) string {
	return filepath.Join(dir, Folder, "shard-"+strconv.Itoa(index)+".jsonl")
}

// contents is what a checkpoint file holds: its header, its complete
// records, and the length of the prefix they occupy (where a torn or
// unreadable line begins, if any).
type contents struct {
	header  header
	records map[string]tournament.ItemResult
	valid   int64
	empty   bool
}

// parse reads a checkpoint. A file with no complete header line is empty:
// nothing was committed to it. A header line that does not decode leaves
// the zero header, which matches no run, so the file is set aside rather
// than overwritten. Reading stops at the first record line that is cut
// short or does not decode; valid says where it starts.
func parse(r io.Reader) (contents, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	c := contents{records: map[string]tournament.ItemResult{}}
	line, err := br.ReadBytes('\n')
	if err == io.EOF {
		c.empty = true
		return c, nil
	}
	if err != nil {
		return c, err
	}
	if json.Unmarshal(line, &c.header) != nil {
		c.header = header{}
	}
	c.valid = int64(len(line))
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			return c, nil // a final line without its newline is torn
		}
		if err != nil {
			return c, err
		}
		rec, ok := decodeRecord(line)
		if !ok {
			return c, nil
		}
		c.records[rec.ID] = rec
		c.valid += int64(len(line))
	}
}

func decodeRecord(line []byte) (tournament.ItemResult, bool) {
	var rec tournament.ItemResult
	if err := json.Unmarshal(bytes.TrimSpace(line), &rec); err != nil || rec.ID == "" {
		return rec, false
	}
	return rec, true
}

// matches reports whether h was written for shard index of fingerprint.
func (h header) matches(index int, fingerprint string) bool {
	return h.Format == format && h.Fingerprint == fingerprint && h.Shard == index
}

// readFile parses the checkpoint at path; a missing file is empty.
func readFile(path string) (contents, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return contents{empty: true, records: map[string]tournament.ItemResult{}}, nil
	}
	if err != nil {
		return contents{}, fmt.Errorf("reading checkpoint: %w", err)
	}
	defer f.Close()
	c, err := parse(f)
	if err != nil {
		return c, fmt.Errorf("reading checkpoint %s: %w", path, err)
	}
	return c, nil
}
