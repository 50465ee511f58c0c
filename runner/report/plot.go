package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

// itemPlot is one item's history, forecast and interval bands.
type itemPlot struct {
	ID, Class, Swatch, Winner, Score, Note string

	Width, Height            float64
	Left, Right, Top, Bottom float64
	Split                    float64 // x of the forecast origin
	History, Forecast        string  // SVG path data
	Bands                    []band
	XTicks, YTicks           []tick
}

// band is the shaded area of one interval level; Rank 0 is the widest.
type band struct {
	Level string
	Rank  int
	Path  string
}

const (
	plotWidth  = 580.0
	plotHeight = 210.0
)

func buildPlots(in Input, t *Tally) []itemPlot {
	if len(in.Items) == 0 {
		return nil
	}
	var plots []itemPlot
	for _, it := range t.picks() {
		plots = append(plots, newPlot(it, in.Items[it.Index], in))
	}
	return plots
}

func newPlot(it tournament.ItemResult, s series.Series, in Input) itemPlot {
	p := itemPlot{ID: it.ID, Class: orDash(string(it.Class)), Swatch: swatch(it.Class),
		Winner: it.Winner, Score: formatScore(float64(it.Score)), Note: plotNote(it),
		Width: plotWidth, Height: plotHeight, Left: 52, Right: plotWidth - 12, Top: 10, Bottom: plotHeight - 26}
	hist := s.Values[len(s.Values)-historyWindow(len(s.Values), in.Season, len(it.Forecast.Mean)):]
	ivs := slices.SortedFunc(slices.Values(it.Forecast.Intervals), func(a, b models.Interval) int {
		return cmp.Compare(b.Level, a.Level)
	})
	sx := p.xScale(len(hist) + len(it.Forecast.Mean))
	sy := p.yScale(hist, it.Forecast.Mean, ivs)
	p.History = linePath(hist, 0, sx, sy)
	p.Forecast = linePath(it.Forecast.Mean, len(hist), sx, sy)
	for rank, iv := range ivs {
		p.Bands = append(p.Bands, band{Level: levelLabel(iv.Level), Rank: min(rank, 2), Path: bandPath(iv, len(hist), sx, sy)})
	}
	p.Split = sx(float64(len(hist)) - 0.5)
	p.XTicks = timeTicks(s, len(s.Values)-len(hist), len(hist), len(it.Forecast.Mean), in.Frequency, sx)
	return p
}

func plotNote(it tournament.ItemResult) string {
	var notes []string
	if it.Failed {
		notes = append(notes, "fallback")
	}
	if it.Conformal {
		notes = append(notes, "conformal intervals")
	}
	return strings.Join(notes, ", ")
}

// historyWindow is how much history a plot shows: three seasons or six
// horizons, whichever is longer, kept between 24 and 156 periods.
func historyWindow(n, season, horizon int) int {
	return min(n, min(max(3*season, 6*horizon, 24), 156))
}

// xScale maps a period index in [0, n) to the plot's x coordinate.
func (p *itemPlot) xScale(n int) func(float64) float64 {
	span := float64(max(n-1, 1))
	return func(k float64) float64 { return p.Left + (p.Right-p.Left)*k/span }
}

// yScale fits every value of the plot and sets the y ticks.
func (p *itemPlot) yScale(hist, mean []float64, ivs []models.Interval) func(float64) float64 {
	lo, hi := 0.0, math.Inf(-1)
	for _, vs := range [][]float64{hist, mean} {
		lo, hi = extend(lo, hi, vs)
	}
	for _, iv := range ivs {
		lo, hi = extend(lo, hi, iv.Lower)
		lo, hi = extend(lo, hi, iv.Upper)
	}
	hi = max(hi, lo+1)
	pad := 0.04 * (hi - lo)
	lo, hi = lo-pad, hi+pad
	y := func(v float64) float64 { return p.Bottom - (p.Bottom-p.Top)*(v-lo)/(hi-lo) }
	for _, t := range ticksWithin(lo, hi, 5) {
		p.YTicks = append(p.YTicks, tick{Pos: y(t), Label: strconv.FormatFloat(t, 'g', 6, 64)})
	}
	return y
}

func extend(lo, hi float64, vs []float64) (float64, float64) {
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi
}

// linePath draws vs from period offset on, breaking the line at NaN.
func linePath(vs []float64, offset int, sx, sy func(float64) float64) string {
	var b strings.Builder
	pen := false
	for k, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			pen = false
			continue
		}
		b.WriteByte(pathCommand(!pen))
		writePoint(&b, sx(float64(offset+k)), sy(v))
		pen = true
	}
	return b.String()
}

// bandPath outlines an interval: along the upper bound, back along the lower.
func bandPath(iv models.Interval, offset int, sx, sy func(float64) float64) string {
	var b strings.Builder
	for k, v := range iv.Upper {
		b.WriteByte(pathCommand(k == 0))
		writePoint(&b, sx(float64(offset+k)), sy(v))
	}
	for k := len(iv.Lower) - 1; k >= 0; k-- {
		b.WriteString("L")
		writePoint(&b, sx(float64(offset+k)), sy(iv.Lower[k]))
	}
	b.WriteString("Z")
	return b.String()
}

// pathCommand is M to start a new line, L to continue it.
func pathCommand(start bool) byte {
	if start {
		return 'M'
	}
	return 'L'
}

func writePoint(b *strings.Builder, x, y float64) {
	b.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
}

func levelLabel(l float64) string {
	return strconv.FormatFloat(l, 'g', -1, 64) + "%"
}
