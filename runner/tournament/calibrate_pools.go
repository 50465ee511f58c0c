package tournament

import (
	"slices"
)

// Pools is Calibrate for a runner that merges a run's items without
// holding them all: Add gathers each item's ratios, then Apply gives each
// item its intervals and quantiles, exactly as Calibrate over all the
// items would. It keeps the ratios as their float32s (4 bytes each) and
// the pools' sorted float64 copies one family at a time.
type Pools struct {
	levels, probs []float64
	ratios        map[string][][]float32
	steps         int
	quantiles     map[string]*stepQuantiles
}

// NewPools returns empty pools for c's levels and quantiles.
func (c Config) NewPools() (*Pools, error) {
	levels, err := normaliseLevels(c.Levels)
	if err != nil {
		return nil, err
	}
	probs, err := normaliseQuantiles(c.Quantiles)
	if err != nil {
		return nil, err
	}
	return &Pools{levels: levels, probs: probs, ratios: map[string][][]float32{}}, nil
}

// Add puts an item's ratios in its family's pool; nil adds nothing. Every
// Add must come before the first Apply.
func (p *Pools) Add(cal *Calibration) {
	if cal == nil {
		return
	}
	fam := p.ratios[cal.Family]
	for len(fam) < len(cal.Ratios) {
		fam = append(fam, nil)
	}
	for j, rs := range cal.Ratios {
		fam[j] = append(fam[j], rs...)
	}
	p.ratios[cal.Family] = fam
	p.steps = max(p.steps, len(cal.Ratios))
}

// Apply sets it's intervals and quantiles when it has a Calibration.
// Once Finish has run, Apply only reads the pools, so items may be
// applied on several goroutines at once.
func (p *Pools) Apply(it *ItemResult) {
	if it.Calibration == nil {
		return
	}
	p.Finish()
	applyCalibration(it, p.quantiles[it.Calibration.Family], p.levels, p.probs)
}

// Finish sorts the pools and computes every family's quantiles, which the
// first Apply does otherwise; every Add must come before it. A caller that
// applies items on several goroutines calls it first, on one.
func (p *Pools) Finish() {
	if p.quantiles == nil {
		p.finish()
	}
}

// finish computes every family's quantiles as newPools and quantilesFor
// do. A family borrows from all families only when it holds fewer than
// minCalibrationPool ratios over all its steps (see widen), so only then
// is the pool of all families built.
func (p *Pools) finish() {
	all := make([][]float64, p.steps)
	for _, fam := range p.ratios {
		if count(fam) < minCalibrationPool {
			all = p.sortedAll()
			break
		}
	}
	p.quantiles = map[string]*stepQuantiles{}
	families := make([]string, 0, len(p.ratios))
	for name := range p.ratios {
		families = append(families, name)
	}
	slices.Sort(families)
	for _, name := range families {
		one := &pools{byFamily: map[string][][]float64{name: sorted(p.ratios[name])}, all: all, cache: map[string]*stepQuantiles{}}
		p.quantiles[name] = one.quantilesFor(&Calibration{Family: name}, 0, p.levels, p.probs)
		p.ratios[name] = nil
	}
}

// sortedAll is the pool of every family, by step.
func (p *Pools) sortedAll() [][]float64 {
	all := make([][]float64, p.steps)
	for _, fam := range p.ratios {
		for j, rs := range fam {
			for _, r := range rs {
				all[j] = append(all[j], float64(r))
			}
		}
	}
	for _, rs := range all {
		slices.Sort(rs)
	}
	return all
}

// sorted converts a family's ratios to sorted float64s, step by step.
func sorted(fam [][]float32) [][]float64 {
	out := make([][]float64, len(fam))
	for j, rs := range fam {
		out[j] = make([]float64, len(rs))
		for k, r := range rs {
			out[j][k] = float64(r)
		}
		slices.Sort(out[j])
	}
	return out
}

func count(fam [][]float32) int {
	n := 0
	for _, rs := range fam {
		n += len(rs)
	}
	return n
}
