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
	t, got, err := takeTurn(filepath.Join(dir, Folder), "merge.lock", "merged")
	if err != nil {
		return nil, false, fmt.Errorf("merge: %w", err)
	}
	t.done = []byte(fingerprint + "\n" + token + "\n")
	return t, bytes.Equal(got, t.done), nil
}

// TakeTurnIn waits until no other process holds the turn named task in
// folder, then returns what the turns before it recorded with Mark (nil
// when none did): shards share a task that one of them does for all, and
// the first to hold the turn does it. Release the turn when done.
func TakeTurnIn(folder, task string) (*Turn, []byte, error) {
	t, got, err := takeTurn(folder, task+".lock", task+".done")
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", task, err)
	}
	return t, got, nil
}

func takeTurn(folder, lockName, markerName string) (*Turn, []byte, error) {
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return nil, nil, fmt.Errorf("creating the folder of its lock: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(folder, lockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("opening the lock: %w", err)
	}
	if err := lockWait(f); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("taking the lock in %s: %w", folder, err)
	}
	t := &Turn{f: f, marker: filepath.Join(folder, markerName)}
	got, err := os.ReadFile(t.marker)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Release()
		return nil, nil, fmt.Errorf("reading the marker: %w", err)
	}
	return t, got, nil
}

// Done records that the merge finished, for the shards waiting their
// turn. A nil Turn (no turns taken) records nothing.
func (t *Turn) Done() error {
	if t == nil {
		return nil
	}
	return t.Mark(t.done)
}

// Mark records note for the turns after this one, atomically.
func (t *Turn) Mark(note []byte) error {
	tmp := t.marker + ".tmp"
	if err := os.WriteFile(tmp, note, 0o644); err != nil {
		return fmt.Errorf("writing the marker: %w", err)
	}
	if err := os.Rename(tmp, t.marker); err != nil {
		return fmt.Errorf("writing the marker: %w", err)
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
