//go:build e2e

package e2e

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// outputDir is where a run's result files land on the node: the results
// claim's folder, the spec's path, then the run's name.
func outputDir(t *testing.T, ns, run string) string {
	t.Helper()
	return filepath.Join(pvcDir(t, ns, resultsClaim), "runs", run)
}

// summary is the part of summary.json the tests check.
type summary struct {
	Items   int            `json:"items"`
	Failed  int            `json:"failed"`
	Wins    map[string]int `json:"wins"`
	Metric  string         `json:"metric"`
	Horizon int            `json:"horizon"`
	Models  []string       `json:"models"`
}

// checkResults asserts that the four result files of a run exist and hold
// items items forecast over horizon steps.
func checkResults(t *testing.T, dir string, items, horizon int) {
	t.Helper()
	s := readSummary(t, dir)
	wins := 0
	for _, n := range s.Wins {
		wins += n
	}
	if s.Items != items || wins != items || s.Horizon != horizon || s.Metric == "" || len(s.Models) == 0 {
		t.Errorf("summary.json: items %d, wins sum %d, horizon %d, metric %q, %d models; want %d items and wins, horizon %d",
			s.Items, wins, s.Horizon, s.Metric, len(s.Models), items, horizon)
	}
	checkForecasts(t, filepath.Join(dir, "forecasts.csv"), items, horizon)
	checkLeaderboard(t, filepath.Join(dir, "leaderboard.csv"), items, s.Models)
	checkReport(t, filepath.Join(dir, "report.html"))
}

func readSummary(t *testing.T, dir string) summary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatalf("reading the run's summary: %v", err)
	}
	var s summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("decoding %s/summary.json: %v", dir, err)
	}
	return s
}

// readCSV reads a whole CSV file, header first.
func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("opening result file: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	if len(rows) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return rows
}

// checkForecasts: columns item_id, step, a time column, model, forecast and
// the 80 and 95 intervals; steps 1..horizon for every item; numbers parse
// and each interval contains the narrower one.
func checkForecasts(t *testing.T, path string, items, horizon int) {
	t.Helper()
	rows := readCSV(t, path)
	col := columnIndex(t, path, rows[0], "item_id", "step", "model", "forecast", "lo_80", "hi_80", "lo_95", "hi_95")
	steps := map[string]int{}
	for i, row := range rows[1:] {
		step, err := strconv.Atoi(row[col["step"]])
		if err != nil || step < 1 || step > horizon {
			t.Fatalf("%s line %d: step %q, want 1..%d", path, i+2, row[col["step"]], horizon)
		}
		v := map[string]float64{}
		for _, name := range []string{"forecast", "lo_80", "hi_80", "lo_95", "hi_95"} {
			if v[name], err = strconv.ParseFloat(row[col[name]], 64); err != nil {
				t.Fatalf("%s line %d: %s %q is not a number", path, i+2, name, row[col[name]])
			}
		}
		if v["lo_95"] > v["lo_80"] || v["lo_80"] > v["hi_80"] || v["hi_80"] > v["hi_95"] {
			t.Fatalf("%s line %d: intervals not nested: %v", path, i+2, v)
		}
		steps[row[col["item_id"]]]++
	}
	if len(steps) != items {
		t.Errorf("%s: %d items, want %d", path, len(steps), items)
	}
	for id, n := range steps {
		if n != horizon {
			t.Fatalf("%s: item %s has %d steps, want %d", path, id, n, horizon)
		}
	}
}

// checkLeaderboard: one row per item with its class, a winner among the
// models and a score column per model.
func checkLeaderboard(t *testing.T, path string, items int, models []string) {
	t.Helper()
	rows := readCSV(t, path)
	col := columnIndex(t, path, rows[0], append([]string{"item_id", "class", "winner"}, models...)...)
	for i, row := range rows[1:] {
		if w := row[col["winner"]]; !slices.Contains(models, w) {
			t.Fatalf("%s line %d: winner %q is not one of the run's models", path, i+2, w)
		}
	}
	if len(rows)-1 != items {
		t.Errorf("%s: %d rows, want %d", path, len(rows)-1, items)
	}
}

func columnIndex(t *testing.T, path string, header []string, want ...string) map[string]int {
	t.Helper()
	col := map[string]int{}
	for _, name := range want {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("%s: header %v lacks column %q", path, header, name)
		}
		col[name] = i
	}
	return col
}

// checkReport: a complete HTML page that loads nothing from the network.
func checkReport(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the report: %v", err)
	}
	page := strings.ToLower(string(b))
	if !strings.Contains(page, "<html") || !strings.Contains(page, "</html>") || len(b) < 1024 {
		t.Errorf("%s: not a complete HTML page (%d bytes)", path, len(b))
	}
	for _, remote := range []string{`src="http`, `href="http`, `url(http`} {
		if strings.Contains(page, remote) {
			t.Errorf("%s loads %s…; the report must be self-contained", path, remote)
		}
	}
}

// checkpointRecords counts, per item ID, the records in a run's shard
// checkpoints (<output>/.checkpoint/shard-<i>.jsonl, a header line then one
// JSON item result a line). A count above one means the item was redone.
func checkpointRecords(t *testing.T, dir string) map[string]int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, ".checkpoint", "shard-*.jsonl"))
	if err != nil {
		t.Fatalf("listing checkpoints: %v", err)
	}
	ids := map[string]int{}
	for _, file := range files {
		countRecords(t, file, ids)
	}
	return ids
}

func countRecords(t *testing.T, file string, ids map[string]int) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("opening checkpoint: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for first := true; sc.Scan(); first = false {
		var rec struct{ ID string }
		// The header has no ID; a line being written has no end yet.
		if first || json.Unmarshal(sc.Bytes(), &rec) != nil || rec.ID == "" {
			continue
		}
		ids[rec.ID]++
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading checkpoint %s: %v", file, err)
	}
}

// assertEachOnce fails when an item was recorded twice (redone after a
// restart) or the records do not cover want items.
func assertEachOnce(t *testing.T, ids map[string]int, want int) {
	t.Helper()
	for id, n := range ids {
		if n > 1 {
			t.Errorf("item %s was forecast %d times: the restarted runner redid checkpointed work", id, n)
		}
	}
	if len(ids) != want {
		t.Errorf("checkpoints hold %d items, want %d", len(ids), want)
	}
}
