package checkpoint

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/forecastrun/forecastrun/runner/tournament"
)

// Sync policy defaults; see the package documentation for the trade-off.
const (
	DefaultSyncItems    = 64
	DefaultSyncInterval = time.Second
)

// ErrLocked reports that another process holds the shard's checkpoint.
var ErrLocked = errors.New("checkpoint is in use by another process")

// Writer appends finished items to one shard's checkpoint. It is safe for
// concurrent use.
type Writer struct {
	mu       sync.Mutex
	f        *os.File
	path     string
	unsynced int
	lastSync time.Time
	every    int
	interval time.Duration
	line     []byte
}

// Open opens shard index's checkpoint under dir (the run's output folder)
// for appending and returns the items it already holds, keyed by item ID.
// A checkpoint written for another fingerprint or shard is moved aside and
// a fresh one started; a torn last line is dropped. Open returns ErrLocked
// when another process has the same shard's checkpoint open.
func Open(dir string, index int, fingerprint string) (*Writer, map[string]tournament.ItemResult, error) {
	path := Path(dir, index)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, fmt.Errorf("creating checkpoint folder: %w", err)
	}
	f, c, err := openLocked(path)
	if err != nil {
		return nil, nil, err
	}
	if !c.empty && !c.header.matches(index, fingerprint) {
		if f, err = setAside(f, path); err != nil {
			return nil, nil, err
		}
		c = contents{empty: true, records: map[string]tournament.ItemResult{}}
	}
	w := &Writer{f: f, path: path, lastSync: time.Now(), every: DefaultSyncItems, interval: DefaultSyncInterval}
	if err := w.start(c, index, fingerprint); err != nil {
		f.Close()
		return nil, nil, err
	}
	return w, c.records, nil
}

// openLocked opens and locks path, then reads what it holds.
func openLocked(path string) (*os.File, contents, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, contents{}, fmt.Errorf("opening checkpoint: %w", err)
	}
	if err := lock(f); err != nil {
		f.Close()
		return nil, contents{}, fmt.Errorf("locking checkpoint %s: %w", path, err)
	}
	c, err := parse(f)
	if err != nil {
		f.Close()
		return nil, contents{}, fmt.Errorf("reading checkpoint %s: %w", path, err)
	}
	return f, c, nil
}

// setAside renames a mismatching checkpoint to a ".stale-<time>" name and
// opens a new, locked, empty file in its place.
func setAside(f *os.File, path string) (*os.File, error) {
	stale := path + ".stale-" + time.Now().UTC().Format("20060102T150405.000000000Z")
	if err := os.Rename(path, stale); err != nil {
		f.Close()
		return nil, fmt.Errorf("moving aside checkpoint of another run: %w", err)
	}
	f.Close()
	f, c, err := openLocked(path)
	if err != nil {
		return nil, err
	}
	if !c.empty {
		f.Close()
		return nil, fmt.Errorf("checkpoint %s: %w", path, ErrLocked)
	}
	return f, nil
}

// start cuts off a torn tail, or writes the header of an empty file.
func (w *Writer) start(c contents, index int, fingerprint string) error {
	if !c.empty {
		return w.truncate(c.valid)
	}
	if err := w.truncate(0); err != nil {
		return err
	}
	b, _ := json.Marshal(header{Format: format, Fingerprint: fingerprint, Shard: index})
	if _, err := w.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing checkpoint header: %w", err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("syncing checkpoint: %w", err)
	}
	return syncDir(filepath.Dir(w.path))
}

func (w *Writer) truncate(size int64) error {
	if err := w.f.Truncate(size); err != nil {
		return fmt.Errorf("truncating checkpoint %s: %w", w.path, err)
	}
	return nil
}

// syncDir makes a newly created file's directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing checkpoint folder: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("syncing checkpoint folder: %w", err)
	}
	return nil
}

// SetSync changes when Append fsyncs: after every items records or once
// interval has passed since the last sync, whichever is first. items < 1
// means every record.
func (w *Writer) SetSync(items int, interval time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.every, w.interval = max(items, 1), interval
}

// Append records a finished item with one write, and fsyncs per the sync
// policy. Its Index is stored but means nothing on resume: see Order. A
// record JSON cannot hold (a NaN or infinite forecast value, which the
// tournament's guards never let through) fails without writing anything.
func (w *Writer) Append(rec tournament.ItemResult) error {
	if rec.ID == "" {
		return errors.New("checkpoint: item without an ID")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	var err error
	if w.line, err = appendJSON(w.line[:0], rec); err != nil {
		return fmt.Errorf("checkpointing item %s: %w", rec.ID, err)
	}
	if _, err := w.f.Write(w.line); err != nil {
		return fmt.Errorf("checkpointing item %s: %w", rec.ID, err)
	}
	w.unsynced++
	if w.unsynced >= w.every || time.Since(w.lastSync) >= w.interval {
		return w.syncLocked()
	}
	return nil
}

func appendJSON(dst []byte, rec tournament.ItemResult) ([]byte, error) {
	b, err := json.Marshal(rec)
	if err != nil {
		return dst, err
	}
	return append(append(dst, b...), '\n'), nil
}

// Sync flushes the records appended so far to stable storage.
func (w *Writer) Sync() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.syncLocked()
}

func (w *Writer) syncLocked() error {
	if w.unsynced == 0 {
		return nil
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("syncing checkpoint %s: %w", w.path, err)
	}
	w.unsynced, w.lastSync = 0, time.Now()
	return nil
}

// Close syncs and closes the checkpoint, releasing its lock.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.syncLocked()
	if cerr := w.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing checkpoint %s: %w", w.path, cerr)
	}
	return err
}
