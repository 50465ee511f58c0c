package checkpoint

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/forecastrun/forecastrun/runner/tournament"
)

const fp = "sha256:run-a"

// equateScores treats NaN scores as equal, as a round trip keeps them.
var equateScores = cmp.Comparer(func(a, b tournament.Score) bool {
	return a == b || (math.IsNaN(float64(a)) && math.IsNaN(float64(b)))
})

func open(t *testing.T, dir string, index int, fingerprint string) (*Writer, map[string]tournament.ItemResult) {
	t.Helper()
	w, done, err := Open(dir, index, fingerprint)
	if err != nil {
		t.Fatalf("Open(shard %d): %v", index, err)
	}
	return w, done
}

func appendItems(t *testing.T, w *Writer, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		if err := w.Append(item(i)); err != nil {
			t.Fatal(err)
		}
	}
}

func closeWriter(t *testing.T, w *Writer) {
	t.Helper()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestResumeRestoresRecords(t *testing.T) {
	dir := t.TempDir()
	w, done := open(t, dir, 0, fp)
	if len(done) != 0 {
		t.Fatalf("fresh checkpoint holds %d items", len(done))
	}
	appendItems(t, w, 0, 5)
	closeWriter(t, w)

	w, done = open(t, dir, 0, fp)
	defer closeWriter(t, w)
	if len(done) != 5 {
		t.Fatalf("resumed with %d items, want 5", len(done))
	}
	if diff := cmp.Diff(item(3), done["SKU-00003"], equateScores); diff != "" {
		t.Errorf("record changed on the round trip (-want +got):\n%s", diff)
	}
}

// TestRecordsSurviveAKill closes the file without syncing or Close, as a
// killed process would: every appended record is in the file.
func TestRecordsSurviveAKill(t *testing.T) {
	dir := t.TempDir()
	w, _ := open(t, dir, 0, fp)
	w.SetSync(1000, time.Hour)
	appendItems(t, w, 0, 7)
	w.f.Close()
	w, done := open(t, dir, 0, fp)
	defer closeWriter(t, w)
	if len(done) != 7 {
		t.Errorf("after a kill: %d items, want 7", len(done))
	}
}

func TestTornTail(t *testing.T) {
	tests := []struct {
		name string
		tail string
		want int
	}{
		{"record cut short", `{"Index":9,"ID":"SKU-0`, 3},
		{"unreadable line", "\x00\x00\x00\n", 3},
		{"record without its newline", mustJSON(t, item(9)), 3},
		{"nothing torn", "", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, _ := open(t, dir, 0, fp)
			appendItems(t, w, 0, 3)
			closeWriter(t, w)
			appendRaw(t, Path(dir, 0), tc.tail)

			w, done := open(t, dir, 0, fp)
			if len(done) != tc.want {
				t.Errorf("resumed with %d items, want %d", len(done), tc.want)
			}
			appendItems(t, w, 3, 4)
			closeWriter(t, w)
			w, done = open(t, dir, 0, fp)
			defer closeWriter(t, w)
			if len(done) != tc.want+1 {
				t.Errorf("after appending past the torn tail: %d items, want %d", len(done), tc.want+1)
			}
		})
	}
}

func TestTornHeaderStartsFresh(t *testing.T) {
	dir := t.TempDir()
	path := Path(dir, 0)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	appendRaw(t, path, `{"format":"forecastrun-chec`)
	w, done := open(t, dir, 0, fp)
	appendItems(t, w, 0, 2)
	closeWriter(t, w)
	if len(done) != 0 {
		t.Errorf("%d items from a torn header", len(done))
	}
	w, done = open(t, dir, 0, fp)
	defer closeWriter(t, w)
	if len(done) != 2 {
		t.Errorf("%d items after restarting from a torn header, want 2", len(done))
	}
}

func TestMismatchSetsAside(t *testing.T) {
	tests := []struct {
		name        string
		writtenAs   int
		fingerprint string
		header      string // replaces the header line when set
	}{
		{"other fingerprint", 0, "sha256:run-b", ""},
		{"other shard", 1, fp, ""},
		{"unreadable header", 0, fp, "not json\n"},
		{"other format", 0, fp, `{"format":"v0","fingerprint":"sha256:run-a","shard":0}` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			w, _ := open(t, dir, tc.writtenAs, tc.fingerprint)
			appendItems(t, w, 0, 3)
			closeWriter(t, w)
			old := placeAsShard0(t, dir, tc.writtenAs, tc.header)

			w, done := open(t, dir, 0, fp)
			defer closeWriter(t, w)
			if len(done) != 0 {
				t.Errorf("reused %d items of another run", len(done))
			}
			stale, _ := filepath.Glob(Path(dir, 0) + ".stale-*")
			if len(stale) != 1 {
				t.Fatalf("found %d set-aside files, want 1", len(stale))
			}
			if kept, _ := os.ReadFile(stale[0]); string(kept) != old {
				t.Error("the set-aside file differs from the original")
			}
		})
	}
}

// placeAsShard0 moves shard from's checkpoint to shard 0's place, with its
// header line replaced when header is set, and returns its content.
func placeAsShard0(t *testing.T, dir string, from int, header string) string {
	t.Helper()
	b, err := os.ReadFile(Path(dir, from))
	if err != nil {
		t.Fatal(err)
	}
	content := string(b)
	if header != "" {
		content = header + content[strings.IndexByte(content, '\n')+1:]
	}
	os.Remove(Path(dir, from))
	if err := os.WriteFile(Path(dir, 0), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return content
}

func TestOneShardOpenOnce(t *testing.T) {
	dir := t.TempDir()
	w, _ := open(t, dir, 2, fp)
	if _, _, err := Open(dir, 2, fp); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open of a shard in use: %v, want ErrLocked", err)
	}
	closeWriter(t, w)
	w, _ = open(t, dir, 2, fp)
	closeWriter(t, w)
}

func TestConcurrentShards(t *testing.T) {
	const shards, perShard = 4, 150
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, shards)
	for s := range shards {
		wg.Go(func() {
			w, _, err := Open(dir, s, fp)
			if err != nil {
				errs <- err
				return
			}
			for i := s * perShard; i < (s+1)*perShard; i++ {
				if err := w.Append(item(i)); err != nil {
					errs <- err
				}
			}
			errs <- w.Close()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	r, err := OpenShards(dir, shards, fp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range shards * perShard {
		if _, ok, err := r.Record(i/perShard, item(i).ID); !ok || err != nil {
			t.Errorf("item %d of shard %d: found %v, %v", i, i/perShard, ok, err)
		}
	}
}

// TestShards reads records in another order than they were appended, a
// record longer than the reader's buffer, a shard that never started, a
// torn last line, and a second pass after Rewind; a checkpoint of another
// run is refused.
func TestShards(t *testing.T) {
	dir := t.TempDir()
	w, _ := open(t, dir, 0, fp)
	appendItems(t, w, 0, 4)
	long := item(4)
	long.Note = strings.Repeat("a long note ", 40000) // 480 KB
	if err := w.Append(long); err != nil {
		t.Fatal(err)
	}
	appendItems(t, w, 5, 6)
	closeWriter(t, w)
	w, _ = open(t, dir, 1, fp)
	appendItems(t, w, 10, 12)
	closeWriter(t, w)
	f, err := os.OpenFile(Path(dir, 1), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"Index":12,"ID":"SKU-00012","Cl`) // torn by a crash
	f.Close()

	r, err := OpenShards(dir, 3, fp)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	order := []struct {
		shard, item int
		found       bool
	}{{0, 2, true}, {0, 0, true}, {1, 11, true}, {0, 5, true}, {0, 4, true}, {0, 1, true}, {1, 10, true}, {1, 12, false}, {2, 20, false}, {0, 3, true}}
	for pass := range 2 {
		for _, o := range order {
			line, ok, err := r.Record(o.shard, item(o.item).ID)
			if err != nil || ok != o.found {
				t.Fatalf("pass %d, item %d of shard %d: found %v, %v; want %v", pass, o.item, o.shard, ok, err, o.found)
			}
			if !ok {
				continue
			}
			var got tournament.ItemResult
			if err := json.Unmarshal(line, &got); err != nil || got.ID != item(o.item).ID || (o.item == 4 && got.Note != long.Note) {
				t.Errorf("pass %d: item %d decoded as %s, %v", pass, o.item, got.ID, err)
			}
		}
		if r.Ahead() != 0 {
			t.Errorf("pass %d: %d records read ahead and never asked for", pass, r.Ahead())
		}
		if err := r.Rewind(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := OpenShards(dir, 3, "sha256:other"); !errors.Is(err, ErrMismatch) {
		t.Errorf("OpenShards with another fingerprint: %v, want ErrMismatch", err)
	}
}

func TestAppendRejectsUnencodable(t *testing.T) {
	dir := t.TempDir()
	w, _ := open(t, dir, 0, fp)
	bad := item(1)
	bad.Forecast.Mean[0] = nanValue()
	if err := w.Append(bad); err == nil {
		t.Error("Append of a NaN forecast succeeded")
	}
	if err := w.Append(tournament.ItemResult{}); err == nil {
		t.Error("Append of an item without ID succeeded")
	}
	appendItems(t, w, 2, 3)
	closeWriter(t, w)
	w, done := open(t, dir, 0, fp)
	defer closeWriter(t, w)
	if len(done) != 1 {
		t.Errorf("%d items after rejected appends, want 1", len(done))
	}
}

func appendRaw(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(t *testing.T, rec tournament.ItemResult) string {
	b, err := appendJSON(nil, rec)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(string(b), "\n")
}

func nanValue() float64 {
	var zero float64
	return zero / zero
}

// TestTakeTurn: a shard waits while another merges, then finds the merge
// of the same run and attempt done; another attempt merges again.
func TestTakeTurn(t *testing.T) {
	dir := t.TempDir()
	first, merged, err := TakeTurn(dir, fp, "1/a")
	if err != nil || merged {
		t.Fatalf("first turn: merged %v, %v", merged, err)
	}
	got := make(chan bool)
	go func() {
		second, merged, err := TakeTurn(dir, fp, "1/a")
		if err != nil {
			t.Error(err)
		} else {
			second.Release()
		}
		got <- merged
	}()
	select {
	case <-got:
		t.Fatal("a second turn began while the first was merging")
	case <-time.After(100 * time.Millisecond):
	}
	if err := first.Done(); err != nil {
		t.Fatal(err)
	}
	first.Release()
	if !<-got {
		t.Error("the second turn did not find the first's merge done")
	}
	other, merged, err := TakeTurn(dir, fp, "2/b")
	if err != nil || merged {
		t.Errorf("another attempt's turn: merged %v, %v", merged, err)
	}
	other.Release()
}
