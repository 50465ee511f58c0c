package checkpoint

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Turn is one shard's turn to merge a run's checkpoints. Shards that
// finish together each find every item recorded, and each merge would
// cost a whole merge's CPU for the same files: they take turns instead,
// and a shard whose turn comes after a finished merge of the same run and
// attempt finds it done and leaves it. Turns are taken on the shared
// folder with flock(2); shards that exchange checkpoints through a bucket
// each have a folder of their own and each merge, as before.
type Turn struct {
	f      *os.File
	marker string
	done   []byte
}

// TakeTurn waits until no other process merges under dir, then reports
// whether a merge of the run with this fingerprint and fencing token
// already finished. Release the turn when done.
func TakeTurn(dir, fingerprint, token string) (*Turn, bool, error) {
	folder := filepath.Join(dir, Folder)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return nil, false, fmt.Errorf("creating checkpoint folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(folder, "merge.lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, fmt.Errorf("opening the merge lock: %w", err)
	}
	if err := lockWait(f); err != nil {
		f.Close()
		return nil, false, fmt.Errorf("taking the merge lock in %s: %w", folder, err)
	}
	t := &Turn{f: f, marker: filepath.Join(folder, "merged"), done: []byte(fingerprint + "\n" + token + "\n")}
	got, err := os.ReadFile(t.marker)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Release()
		return nil, false, fmt.Errorf("reading the merge marker: %w", err)
	}
	return t, bytes.Equal(got, t.done), nil
}

// Done records that the merge finished, for the shards waiting their
// turn. A nil Turn (no turns taken) records nothing.
func (t *Turn) Done() error {
	if t == nil {
		return nil
	}
	tmp := t.marker + ".tmp"
	if err := os.WriteFile(tmp, t.done, 0o644); err != nil {
		return fmt.Errorf("writing the merge marker: %w", err)
	}
	if err := os.Rename(tmp, t.marker); err != nil {
		return fmt.Errorf("writing the merge marker: %w", err)
	}
	return nil
}

// Release ends the turn; a nil Turn has none to end.
func (t *Turn) Release() error {
	if t == nil {
		return nil
	}
	return t.f.Close()
}
