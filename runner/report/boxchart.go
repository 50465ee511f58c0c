package report

import "strconv"

// boxChart shows the distribution of the winners' scores per model: a box
// from the 25th to the 75th percentile, whiskers to the 10th and 90th, the
// median as a bar, and every score (up to maxDots) as a faint dot.
type boxChart struct {
	Width, Height float64
	PlotTop       float64
	AxisY         float64
	Boxes         []box
	Ticks         []tick
	Clipped       int
}

type box struct {
	Label                   string
	Y, Mid                  float64
	X10, X25, X50, X75, X90 float64
	IQRWidth                float64
	Dots                    []dot
}

type dot struct{ X, Y float64 }

type tick struct {
	Pos   float64
	Label string
}

const (
	maxDots  = 400
	boxRow   = 28.0
	boxLeft  = labelWidth
	boxWidth = 1180.0
	boxRight = boxWidth - 24
)

func scoresChart(rows []modelRow) boxChart {
	hi := scoreAxisMax(rows)
	ticks := niceTicks(0, hi, 5)
	hi = ticks[len(ticks)-1]
	c := boxChart{Width: boxWidth, PlotTop: 8}
	x := func(v float64) float64 { return boxLeft + (boxRight-boxLeft)*min(max(v, 0), hi)/hi }
	for _, r := range rows {
		if !r.hasScores {
			continue
		}
		c.Boxes = append(c.Boxes, newBox(r, c.PlotTop+float64(len(c.Boxes))*boxRow, x))
		c.Clipped += countAbove(r.scores, hi)
	}
	c.AxisY = c.PlotTop + float64(len(c.Boxes))*boxRow + 4
	for _, t := range ticks {
		c.Ticks = append(c.Ticks, tick{Pos: x(t), Label: strconv.FormatFloat(t, 'g', 4, 64)})
	}
	c.Height = c.AxisY + 24
	return c
}

// scoreAxisMax is the largest 90th percentile, so that a few huge scores
// do not squash every box to the left edge; larger scores sit at the edge.
func scoreAxisMax(rows []modelRow) float64 {
	var hi float64
	for _, r := range rows {
		if r.hasScores {
			hi = max(hi, r.p90*1.15, r.median*1.5)
		}
	}
	if hi <= 0 {
		return 1
	}
	return hi
}

func newBox(r modelRow, y float64, x func(float64) float64) box {
	b := box{Label: r.Name, Y: y + 6, Mid: y + boxRow/2 - 1,
		X10: x(r.p10), X25: x(r.p25), X50: x(r.median), X75: x(r.p75), X90: x(r.p90)}
	b.IQRWidth = max(b.X75-b.X25, 1)
	stride := max(1, (len(r.scores)+maxDots-1)/maxDots)
	for i := 0; i < len(r.scores); i += stride {
		jitter := frac(float64(i)*0.618034) - 0.5 // golden-ratio spread, deterministic
		b.Dots = append(b.Dots, dot{X: x(r.scores[i]), Y: b.Mid + jitter*12})
	}
	return b
}

func frac(v float64) float64 { return v - float64(int(v)) }

func countAbove(sorted []float64, hi float64) int {
	n := 0
	for _, v := range sorted {
		if v > hi {
			n++
		}
	}
	return n
}
