package forecastcli

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// dashboardState is what the page shows, sent whole on every change: the
// page replaces what it shows rather than patching it, so it cannot drift.
type dashboardState struct {
	Context   string        `json:"context"`
	Namespace string        `json:"namespace"`
	Runs      []runRow      `json:"runs"`
	Locks     []lockPanel   `json:"locks"`
	Modes     []modeChoice  `json:"modes"`
	Schedules []scheduleRow `json:"schedules"`
	Problems  []string      `json:"problems,omitempty"` // what could not be read, as the API server said
	At        time.Time     `json:"at"`
}

// runRow is one run of the runs table.
type runRow struct {
	Name        string     `json:"name"`
	Mode        string     `json:"mode"`
	Priority    string     `json:"priority"`
	Phase       string     `json:"phase"`
	Lock        string     `json:"lock"`
	Percent     int32      `json:"percent"`
	Items       string     `json:"items"` // "420/3707", "" before the first report
	ETA         string     `json:"eta"`   // "in 2m10s", "" when none
	Age         string     `json:"age"`
	Message     string     `json:"message"`
	DuplicateOf string     `json:"duplicateOf,omitempty"`
	Cancellable bool       `json:"cancellable"`
	Cancelling  bool       `json:"cancelling"`
	Finished    bool       `json:"finished"`
	HasReport   bool       `json:"hasReport"`
	ReportNote  string     `json:"reportNote,omitempty"` // why a finished run has no report
	Result      *resultRow `json:"result,omitempty"`
}

// resultRow is a finished run's summary, as `results` prints it.
type resultRow struct {
	ItemsForecast int32       `json:"itemsForecast"`
	ItemsFailed   int32       `json:"itemsFailed"`
	Score         string      `json:"score"`
	Winners       []winnerRow `json:"winners"`
}

type winnerRow struct {
	Model string `json:"model"`
	Items int32  `json:"items"`
	Share string `json:"share"`
}

// lockPanel is a lock's holder and queue, as `queue` prints them.
type lockPanel struct {
	Name   string     `json:"name"`
	Holder string     `json:"holder"` // the sentence on who holds it
	Queue  []queueRow `json:"queue"`
}

type queueRow struct {
	Position       int    `json:"position"`
	Name           string `json:"name"`
	Priority       string `json:"priority"`
	Age            string `json:"age"`
	EstDuration    string `json:"estDuration"`
	EstimatedStart string `json:"estimatedStart"`
}

// modeChoice is a mode of the "New run" form with its size and how long
// the last Succeeded run of that mode took.
type modeChoice struct {
	Mode     string `json:"mode"`
	Items    string `json:"items"`
	Expected string `json:"expected"`
}

type scheduleRow struct {
	Name      string   `json:"name"`
	Schedule  string   `json:"schedule"`
	Suspended bool     `json:"suspended"`
	Next      string   `json:"next"`
	Last      string   `json:"last"`
	Active    []string `json:"active"`
}

// readState reads the namespace's runs, locks and schedules. What the user
// may not read becomes a problem on the page, not a failure of the whole.
func (s *session) readState(ctx context.Context, now time.Time) *dashboardState {
	st := &dashboardState{Context: s.contextName, Namespace: s.namespace, At: now}
	var runs v1alpha1.ForecastRunList
	if err := s.List(ctx, &runs, client.InNamespace(s.namespace)); err != nil {
		st.Problems = append(st.Problems, fmt.Sprintf("listing forecastruns: %v", notFoundHint(err, s.namespace)))
	}
	st.Runs = runRows(runs.Items, now)
	st.Modes = modeChoices(runs.Items)
	for _, lock := range locksToShow(runs.Items) {
		panel, err := s.lockPanel(ctx, lock, runs.Items, now)
		if err != nil {
			st.Problems = append(st.Problems, err.Error())
			continue
		}
		st.Locks = append(st.Locks, panel)
	}
	var schedules v1alpha1.ForecastScheduleList
	if err := s.List(ctx, &schedules, client.InNamespace(s.namespace)); err != nil {
		st.Problems = append(st.Problems, fmt.Sprintf("listing forecastschedules: %v", notFoundHint(err, s.namespace)))
	}
	st.Schedules = scheduleRows(schedules.Items, now)
	return st
}

// locksToShow is the default lock and every other lock unfinished runs
// use, so that a queue that looks empty does not hide the one that is not.
func locksToShow(runs []v1alpha1.ForecastRun) []string {
	return append([]string{defaultLock}, otherBusyLocks(runs, defaultLock)...)
}

func (s *session) lockPanel(ctx context.Context, lock string, all []v1alpha1.ForecastRun, now time.Time) (lockPanel, error) {
	runs := runsOfLock(all, lock)
	view, err := s.readLock(ctx, lock, runs)
	if err != nil {
		return lockPanel{}, err
	}
	panel := lockPanel{Name: lock, Holder: holderSentence(s.namespace, view, now)}
	if view.run != nil {
		panel.Holder += " " + progressLine(view.run)
	}
	queue := queueOrder(waitingRuns(runs))
	starts := startEstimates(view.timeLeft(now), queue)
	for i, r := range queue {
		panel.Queue = append(panel.Queue, queueRow{
			Position: i + 1, Name: r.Name, Priority: orUnknown(string(r.Spec.Priority), string(v1alpha1.PriorityNormal)),
			Age: age(r.CreationTimestamp.Time, now), EstDuration: expectedDuration(&r).duration(), EstimatedStart: starts[i].String(),
		})
	}
	return panel, nil
}

// runRows are the runs newest first.
func runRows(runs []v1alpha1.ForecastRun, now time.Time) []runRow {
	sorted := slices.Clone(runs)
	slices.SortStableFunc(sorted, func(a, b v1alpha1.ForecastRun) int {
		if c := b.CreationTimestamp.Compare(a.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	rows := make([]runRow, 0, len(sorted))
	for i := range sorted {
		rows = append(rows, runRowOf(&sorted[i], now))
	}
	return rows
}

func runRowOf(r *v1alpha1.ForecastRun, now time.Time) runRow {
	finished := r.Status.Phase.Finished()
	row := runRow{
		Name: r.Name, Mode: orUnknown(string(r.Spec.Mode), string(v1alpha1.ModeQuickTest)),
		Priority: orUnknown(string(r.Spec.Priority), string(v1alpha1.PriorityNormal)),
		Phase:    orUnknown(string(r.Status.Phase), string(v1alpha1.PhasePending)),
		Lock:     orUnknown(r.Spec.LockName, defaultLock),
		Age:      age(r.CreationTimestamp.Time, now), Message: r.Status.Message, DuplicateOf: r.Status.DuplicateOf,
		Finished: finished, Cancelling: r.Spec.Cancel && !finished, Cancellable: !finished && !r.Spec.Cancel,
		HasReport: r.Status.Phase == v1alpha1.PhaseSucceeded && r.Spec.Output != nil && r.Status.DuplicateOf == "",
	}
	if p := r.Status.Progress; p != nil {
		row.Percent = p.Percent
		row.Items = fmt.Sprintf("%d/%d", p.ItemsDone, p.ItemsTotal)
	}
	if finished && r.Status.Phase == v1alpha1.PhaseSucceeded {
		row.Percent = 100
	}
	if t := r.Status.EstimatedCompletionTime; t != nil && !finished {
		row.ETA = until(t, now).String()
	}
	if res := r.Status.Result; res != nil {
		row.Result = resultRowOf(r, res)
	}
	row.ReportNote = reportNote(r)
	return row
}

// reportNote says where a Succeeded run's report is when it has none.
func reportNote(r *v1alpha1.ForecastRun) string {
	switch {
	case r.Status.Phase != v1alpha1.PhaseSucceeded:
		return ""
	case r.Status.DuplicateOf != "":
		return "Its files are those of " + r.Status.DuplicateOf + ", whose execution it shared: open the report there."
	case r.Spec.Output == nil:
		return "No report: the run had no results claim (spec.output), so its files went with its Pod."
	}
	return ""
}

func resultRowOf(r *v1alpha1.ForecastRun, res *v1alpha1.Result) *resultRow {
	out := &resultRow{ItemsForecast: res.ItemsForecast, ItemsFailed: res.ItemsFailed, Score: scoreText(viewOf(r))}
	total := int32(0)
	for _, n := range res.Winners {
		total += n
	}
	for m, n := range res.Winners {
		out.Winners = append(out.Winners, winnerRow{Model: m, Items: n, Share: fmt.Sprintf("%.1f%%", 100*float64(n)/float64(max(total, 1)))})
	}
	sort.Slice(out.Winners, func(i, j int) bool {
		a, b := out.Winners[i], out.Winners[j]
		return a.Items > b.Items || (a.Items == b.Items && a.Model < b.Model)
	})
	return out
}

// dashboardModes are the form's modes in the order of their size.
var dashboardModes = []v1alpha1.Mode{v1alpha1.ModeQuickTest, v1alpha1.ModeSample, v1alpha1.ModeStandard, v1alpha1.ModeFull}

// modeChoices gives each mode its item count and the duration of the last
// Succeeded run of that mode (that executed, not a duplicate), "no run yet"
// without one.
func modeChoices(runs []v1alpha1.ForecastRun) []modeChoice {
	out := make([]modeChoice, 0, len(dashboardModes))
	for _, m := range dashboardModes {
		items := "all items"
		if n := m.ItemCount(); n > 0 {
			items = fmt.Sprintf("%d items", n)
		}
		out = append(out, modeChoice{Mode: string(m), Items: items, Expected: lastDuration(runs, m)})
	}
	return out
}

func lastDuration(runs []v1alpha1.ForecastRun, mode v1alpha1.Mode) string {
	var last *v1alpha1.ForecastRun
	for i := range runs {
		r := &runs[i]
		st := r.Status
		if st.Phase != v1alpha1.PhaseSucceeded || st.DuplicateOf != "" || orUnknown(string(r.Spec.Mode), string(v1alpha1.ModeQuickTest)) != string(mode) ||
			st.StartTime == nil || st.CompletionTime == nil {
			continue
		}
		if last == nil || last.Status.CompletionTime.Before(st.CompletionTime) {
			last = r
		}
	}
	if last == nil {
		return "no Succeeded run yet"
	}
	took := last.Status.CompletionTime.Sub(last.Status.StartTime.Time)
	return fmt.Sprintf("about %s (as %s took)", shortDuration(max(took, time.Second)), last.Name)
}

func scheduleRows(schedules []v1alpha1.ForecastSchedule, now time.Time) []scheduleRow {
	rows := make([]scheduleRow, 0, len(schedules))
	for _, sc := range schedules {
		row := scheduleRow{Name: sc.Name, Schedule: sc.Spec.Schedule, Suspended: sc.Spec.Suspend, Next: "-", Last: "never", Active: sc.Status.Active}
		if tz := sc.Spec.TimeZone; tz != "" {
			row.Schedule += " (" + tz + ")"
		}
		if t := sc.Status.NextScheduleTime; t != nil && !sc.Spec.Suspend {
			row.Next = t.UTC().Format(time.RFC3339) + " (" + until(t, now).String() + ")"
		}
		if t := sc.Status.LastScheduleTime; t != nil {
			row.Last = t.UTC().Format(time.RFC3339) + " (" + age(t.Time, now) + " ago)"
		}
		rows = append(rows, row)
	}
	return rows
}
