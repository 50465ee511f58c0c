package arima

// difference returns y differenced d times at lag 1 and then sd times at
// lag m, into a new slice.
func difference(y []float64, d, sd, m int) []float64 {
	w := append([]float64(nil), y...)
	for range d {
		w = diffLag(w, 1)
	}
	for range sd {
		w = diffLag(w, m)
	}
	return w
}

// diffLag differences w at lag in place and returns the shortened slice.
func diffLag(w []float64, lag int) []float64 {
	if len(w) <= lag {
		return w[:0]
	}
	for t := 0; t < len(w)-lag; t++ {
		w[t] = w[t+lag] - w[t]
	}
	return w[:len(w)-lag]
}

// diffPolynomial returns δ with (1−B)^d (1−B^m)^sd = 1 − Σ δ_j B^j, so
// that y_t = w_t + Σ δ_j y_{t−j} undoes the differencing.
func diffPolynomial(d, sd, m int) []float64 {
	poly := []float64{1}
	mul := func(lag int) {
		next := make([]float64, len(poly)+lag)
		for i, v := range poly {
			next[i] += v
			next[i+lag] -= v
		}
		poly = next
	}
	for range d {
		mul(1)
	}
	for range sd {
		mul(m)
	}
	delta := make([]float64, len(poly))
	for j := 1; j < len(poly); j++ {
		delta[j] = -poly[j]
	}
	return delta
}

// integrate extends history by the forecasts of its differenced series:
// out[i] = w[i] + Σ δ_j y_{n+i−j}, with y the history followed by out.
func integrate(history, w, delta []float64) []float64 {
	n := len(history)
	full := make([]float64, n+len(w))
	copy(full, history)
	for i, v := range w {
		t := n + i
		for j := 1; j < len(delta); j++ {
			v += delta[j] * full[t-j]
		}
		full[t] = v
	}
	return full[n:]
}

// isConstant reports whether all values of y are equal.
func isConstant(y []float64) bool {
	for _, v := range y {
		if v != y[0] {
			return false
		}
	}
	return true
}

func mean(y []float64) float64 {
	var s float64
	for _, v := range y {
		s += v
	}
	return s / float64(len(y))
}
