package forecastcli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
)

// progressView shows a followed run as it changes: show is called with
// every fresh read, done once with the final one.
type progressView interface {
	show(run *v1alpha1.ForecastRun)
	done(run *v1alpha1.ForecastRun)
}

// newProgressView draws a bar on a terminal and prints plain lines
// anywhere else (a file, a pipe, a CI log), where redrawn lines would be
// noise. When said, run's standing has been printed already and is not
// repeated.
func (g *globals) newProgressView(w io.Writer, run *v1alpha1.ForecastRun, said bool) progressView {
	if g.terminal != nil {
		if width, ok := g.terminal(w); ok {
			v := &barView{w: w, width: width, now: g.now}
			if said {
				v.story = storyLine(run)
			}
			return v
		}
	}
	v := &lineView{w: w}
	if said {
		v.last = progressLine(run)
	}
	return v
}

// terminalWidth is w's width in columns when w is a terminal.
func terminalWidth(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		width = 80
	}
	return width, true
}

// lineView prints a line whenever the phase, progress or message changes.
type lineView struct {
	w    io.Writer
	last string
}

func (v *lineView) show(run *v1alpha1.ForecastRun) {
	if line := progressLine(run); line != v.last {
		fmt.Fprintln(v.w, line)
		v.last = line
	}
}

func (v *lineView) done(run *v1alpha1.ForecastRun) { v.show(run) }

// barView keeps one line at the bottom of the terminal, redrawn in place:
// phase, a bar, items and the time left. What is said once (a new phase,
// the controller's message while not running) is printed above it as a
// line of its own, so the scrollback keeps the story.
type barView struct {
	w     io.Writer
	width int
	now   func() time.Time
	// story is the last line printed above the bar.
	story string
	drawn bool
}

func (v *barView) show(run *v1alpha1.ForecastRun) {
	if line := storyLine(run); line != v.story {
		v.clear()
		fmt.Fprintln(v.w, line)
		v.story = line
	}
	if bar := progressBar(run, v.width, v.now()); bar != "" {
		// \r and erase-line redraw the bar where it was.
		fmt.Fprint(v.w, "\r\x1b[2K"+bar)
		v.drawn = true
	}
}

func (v *barView) done(run *v1alpha1.ForecastRun) {
	v.show(run)
	v.clear()
	if line := progressLine(run); line != v.story {
		fmt.Fprintln(v.w, line)
	}
}

// clear removes the bar so that a line can be printed in its place.
func (v *barView) clear() {
	if v.drawn {
		fmt.Fprint(v.w, "\r\x1b[2K")
		v.drawn = false
	}
}

// storyLine is what is worth a line of its own: the phase, with the
// controller's message unless the run is running (its message then only
// repeats the progress the bar shows).
func storyLine(run *v1alpha1.ForecastRun) string {
	if run.Status.Phase == v1alpha1.PhaseRunning && run.Status.Progress != nil {
		return "Running"
	}
	return progressLine(run)
}

// progressBar renders a running run's progress in at most width columns,
// such as
//
//	Running [██████████░░░░░░░░░░]  52%  1928/3707 items  ETA 41s
//
// or "" when there is nothing to draw. The figures come before the bar is
// given its width, so a narrow terminal shortens the bar, not the numbers.
func progressBar(run *v1alpha1.ForecastRun, width int, now time.Time) string {
	p := run.Status.Progress
	if run.Status.Phase != v1alpha1.PhaseRunning || p == nil {
		return ""
	}
	figures := fmt.Sprintf(" %3d%%  %d/%d items", p.Percent, p.ItemsDone, p.ItemsTotal)
	if eta := run.Status.EstimatedCompletionTime; eta != nil {
		figures += "  ETA " + timeLeft(eta.Time, now)
	}
	const label = "Running "
	// Leave the last column free: writing into it wraps some terminals.
	room := width - 1 - len(label) - len(figures) - 2
	if room < 10 {
		return label + strings.TrimSpace(figures)
	}
	room = min(room, 40)
	filled := int(float64(room) * float64(min(max(p.Percent, 0), 100)) / 100)
	return label + "[" + strings.Repeat("█", filled) + strings.Repeat("░", room-filled) + "]" + figures
}

// timeLeft is how long until eta, rounded for reading ("41s", "3m10s",
// "1h05m"), or "any moment" once it has passed.
func timeLeft(eta, now time.Time) string {
	d := eta.Sub(now)
	switch {
	case d <= 0:
		return "any moment"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Round(time.Second).Seconds()))
	case d < time.Hour:
		d = d.Round(time.Second)
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
