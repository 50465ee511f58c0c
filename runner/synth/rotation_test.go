package synth

import (
	"math"
	"testing"
)

func TestRotationStaysAccurate(t *testing.T) {
	const start, step, steps = 0.3, 2 * math.Pi / 365.2425, 1_000_000
	r := newRotation(start, step)
	worst := 0.0
	for k := range steps {
		if k%1000 == 0 {
			worst = max(worst, math.Abs(r.cos-math.Cos(start+float64(k)*step)))
		}
		r.advance()
	}
	if worst > 1e-9 {
		t.Errorf("cosine drifted by %g after %d steps, want < 1e-9", worst, steps)
	}
}
