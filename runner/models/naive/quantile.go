package naive

import (
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// studentQuantiles caches two-sided Student t quantiles by degrees of freedom
// and level. Inverting the incomplete beta function costs about 10 µs, more
// than fitting the model itself, while a tournament asks for the same few
// (df, level) pairs thousands of times because its items share lengths.
var studentQuantiles sync.Map // quantileKey -> float64

type quantileKey struct {
	df    int
	level float64
}

// studentQuantile returns the t quantile with df degrees of freedom for a
// central interval at level percent.
func studentQuantile(df int, level float64) float64 {
	key := quantileKey{df, level}
	if q, ok := studentQuantiles.Load(key); ok {
		return q.(float64)
	}
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.5 + level/200)
	studentQuantiles.Store(key, q)
	return q
}
