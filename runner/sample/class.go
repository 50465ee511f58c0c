package sample

import (
	"math"

	"github.com/forecastrun/forecastrun/runner/series"
)

// DemandClass is one of the four demand patterns of Syntetos, Boylan and
// Croston (2005), which decide whether smoothing or intermittent-demand
// methods suit an item.
type DemandClass string

// The demand classes.
const (
	// Smooth demand occurs nearly every period in similar sizes.
	Smooth DemandClass = "smooth"
	// Erratic demand occurs nearly every period in widely varying sizes.
	Erratic DemandClass = "erratic"
	// Intermittent demand occurs sporadically in similar sizes.
	Intermittent DemandClass = "intermittent"
	// Lumpy demand occurs sporadically in widely varying sizes.
	Lumpy DemandClass = "lumpy"
)

// Classes lists the demand classes in a fixed order.
var Classes = []DemandClass{Smooth, Erratic, Intermittent, Lumpy}

// Cut-offs of the Syntetos–Boylan–Croston scheme, derived there from where
// Croston's method starts to beat simple exponential smoothing.
const (
	ADICutoff = 1.32
	CV2Cutoff = 0.49
)

// Demand measures a series for classification. adi, the average
// inter-demand interval, is the number of observed periods divided by the
// number of periods with demand (a value > 0); cv2 is the squared
// coefficient of variation of the demand sizes. NaN values are not
// observed and are skipped. With no demand at all adi is +Inf and cv2 is 0.
func Demand(v []float64) (adi, cv2 float64) {
	var d series.DemandSizes
	for _, x := range v {
		if math.IsNaN(x) {
			continue
		}
		d.Observed++
		if x > 0 {
			d.Demands++
			d.Sum += x
			d.SumSq += x * x
		}
	}
	return DemandOf(d)
}

// DemandOf is Demand from an item's demand sizes, as a streaming read
// (series.ReadOptions.Keep) summarises them: the same numbers, to the bit,
// when the sizes were summed in time order.
func DemandOf(d series.DemandSizes) (adi, cv2 float64) {
	if d.Demands == 0 {
		return math.Inf(1), 0
	}
	mean := d.Sum / float64(d.Demands)
	variance := max(d.SumSq/float64(d.Demands)-mean*mean, 0)
	return float64(d.Observed) / float64(d.Demands), variance / (mean * mean)
}

// Classify places a series in its demand class by ADI (cut-off 1.32) and
// CV² of the non-zero demand sizes (cut-off 0.49); values at a cut-off go
// to the sporadic or variable side. NaN values are ignored. A series with
// no demand, or no observations, is Intermittent: it is the class whose
// methods (Croston and its variants) forecast a zero history sensibly, and
// with no sizes there is no variability to call it lumpy.
func Classify(v []float64) DemandClass {
	return classOf(Demand(v))
}

// ClassifySizes is Classify from an item's demand sizes.
func ClassifySizes(d series.DemandSizes) DemandClass {
	return classOf(DemandOf(d))
}

func classOf(adi, cv2 float64) DemandClass {
	switch {
	case adi < ADICutoff && cv2 < CV2Cutoff:
		return Smooth
	case adi < ADICutoff:
		return Erratic
	case cv2 < CV2Cutoff:
		return Intermittent
	}
	return Lumpy
}
