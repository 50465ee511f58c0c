package report

import (
	"slices"
	"strconv"

	"github.com/forecastrun/forecastrun/runner/sample"
)

// classMix is the demand-class breakdown: counts, a stacked bar, and a
// table of each model's wins within each class.
type classMix struct {
	Classes []classRow
	Bar     []segment
	Wins    []winsRow
}

type classRow struct {
	Class, Count, Share string
	Swatch              string // CSS class giving the class colour
}

// winsRow is one model's wins in each class, in Classes order.
type winsRow struct {
	Model string
	Cells []cell
	Total int
}

// cell is one count of the model × class table; Alpha shades it by the
// share of the class's items the model won.
type cell struct {
	Count string
	Alpha float64
}

// segment is one class's part of the stacked bar, in percent of its width.
type segment struct {
	Class, Swatch, Label string
	X, Width             float64
}

func buildClassMix(models []string, t *Tally) classMix {
	classes, counts := t.classOrder(), t.classes
	var m classMix
	var x float64
	for _, c := range classes {
		row := classRow{Class: orDash(string(c)), Count: strconv.Itoa(counts[c]),
			Share: percent(counts[c], t.items), Swatch: swatch(c)}
		m.Classes = append(m.Classes, row)
		w := 100 * float64(counts[c]) / float64(t.items)
		m.Bar = append(m.Bar, segment{Class: row.Class, Swatch: row.Swatch, X: x, Width: w, Label: row.Share})
		x += w
	}
	m.Wins = winsByClass(models, t, classes)
	return m
}

// classOrder returns the classes present, known ones in sample.Classes
// order and any others after them.
func (t *Tally) classOrder() []sample.DemandClass {
	counts := t.classes
	var classes []sample.DemandClass
	for _, c := range sample.Classes {
		if counts[c] > 0 {
			classes = append(classes, c)
		}
	}
	var other []sample.DemandClass
	for c := range counts {
		if !slices.Contains(sample.Classes, c) {
			other = append(other, c)
		}
	}
	slices.Sort(other)
	return append(classes, other...)
}

// winsByClass tabulates the winning models, most wins first.
func winsByClass(models []string, t *Tally, classes []sample.DemandClass) []winsRow {
	wins, counts := t.wins, t.classes
	var rows []winsRow
	for _, r := range modelRows(models, t) {
		if r.Wins == 0 {
			continue
		}
		row := winsRow{Model: r.Name, Total: r.Wins}
		for _, c := range classes {
			row.Cells = append(row.Cells, newCell(wins[r.Name][c], counts[c]))
		}
		rows = append(rows, row)
	}
	return rows
}

func newCell(n, classTotal int) cell {
	if n == 0 {
		return cell{Count: "·"}
	}
	return cell{Count: strconv.Itoa(n), Alpha: 0.06 + 0.6*float64(n)/float64(classTotal)}
}

// swatch names the CSS class that colours demand class c.
func swatch(c sample.DemandClass) string {
	if i := slices.Index(sample.Classes, c); i >= 0 {
		return "k" + strconv.Itoa(i)
	}
	return "kx"
}
