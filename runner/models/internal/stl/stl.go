package stl

import "math"

// Decompose decomposes y with period np as R's stl(x, s.window = sWindow,
// robust = FALSE): Cleveland et al.'s (1990) inner loop, run twice, with
// loess smoothers of the cycle-subseries (window sWindow, degree 0), of
// the low-pass filtered seasonal (window nextodd(np), degree 1) and of the
// trend (window nextodd(1.5·np/(1 − 1.5/sWindow)), degree 1), each
// evaluated every ⌈window/10⌉ points and linearly interpolated between.
// It returns the seasonal and trend components. y needs at least two full
// periods; sWindow is odd and at least 7.
func Decompose(y []float64, np, sWindow int) (season, trend []float64) {
	n := len(y)
	tWindow := nextOdd(int(math.Ceil(1.5 * float64(np) / (1 - 1.5/float64(sWindow)))))
	lWindow := nextOdd(np)
	season, trend = make([]float64, n), make([]float64, n)
	// One allocation for the working buffers: the detrended series, the
	// cycle-subseries smoothed and extended, the low-pass filter's stages
	// and its smoothing.
	buf := make([]float64, 6*n+3*np+3)
	take := func(k int) []float64 { b := buf[:k:k]; buf = buf[k:]; return b }
	work, cycle := take(n), take(n+2*np)
	pass1, pass2, low := take(n+np+1), take(n+2), take(n)
	lowSmooth := take(n)
	ws := &weights{}
	for range 2 {
		for i := range y {
			work[i] = y[i] - trend[i]
		}
		smoothSubseries(work, np, sWindow, cycle, ws)
		movingAverage(pass1, cycle, np)
		movingAverage(pass2, pass1, np)
		movingAverage(low, pass2, 3)
		loess(lowSmooth, low, lWindow, 1, jump(lWindow), ws)
		for i := range season {
			season[i] = cycle[np+i] - lowSmooth[i]
			work[i] = y[i] - season[i]
		}
		loess(trend, work, tWindow, 1, jump(tWindow), ws)
	}
	return season, trend
}

func nextOdd(x int) int {
	if x%2 == 0 {
		return x + 1
	}
	return x
}

func jump(window int) int { return int(math.Ceil(float64(window) / 10)) }

// smoothSubseries smooths each cycle-subseries (the values at one position
// of the season) by loess of degree 0 and extends it by one period at
// each end; out has len(x) + 2·np values.
func smoothSubseries(x []float64, np, window int, out []float64, ws *weights) {
	sub := make([]float64, 0, 2*(len(x)/np+1))
	for j := range np {
		sub = sub[:0]
		for i := j; i < len(x); i += np {
			sub = append(sub, x[i])
		}
		k := len(sub)
		sm := sub[k : 2*k]
		loess(sm, sub, window, 0, jump(window), ws)
		first, last := sm[0], sm[k-1]
		if v, ok := loessAt(sub, window, 0, 0, 1, min(window, k), ws); ok {
			first = v
		}
		if v, ok := loessAt(sub, window, 0, float64(k+1), max(1, k-window+1), k, ws); ok {
			last = v
		}
		out[j] = first
		for i, v := range sm {
			out[(i+1)*np+j] = v
		}
		out[(k+1)*np+j] = last
	}
}

// movingAverage sets out to the moving averages of length length of x,
// len(x) − length + 1 of them. STL's low-pass filter is three of them, of
// lengths np, np and 3, which shorten the extended cycle by 2·np.
func movingAverage(out, x []float64, length int) {
	out = out[:len(x)-length+1]
	var s float64
	for i := range length {
		s += x[i]
	}
	out[0] = s / float64(length)
	for i := 1; i < len(out); i++ {
		s += x[i+length-1] - x[i-1]
		out[i] = s / float64(length)
	}
}

// loess smooths y (at positions 1…n) with a window of span points and
// local polynomials of degree 0 or 1, evaluating every jump points and
// interpolating linearly between, as STL's stless, into out (len(y)
// long; every value is set).
func loess(out, y []float64, span, degree, jump int, ws *weights) {
	n := len(y)
	if n < 2 {
		copy(out, y)
		return
	}
	jump = max(1, min(jump, n-1))
	half := (span + 1) / 2
	window := func(i int) (int, int) { // 1-based
		switch {
		case span >= n:
			return 1, n
		case i < half:
			return 1, span
		case i >= n-half+1:
			return n - span + 1, n
		}
		return i - half + 1, span + i - half
	}
	last := 0
	for i := 1; i <= n; i += jump {
		out[i-1] = loessPoint(y, span, degree, i, window, ws)
		last = i
	}
	if last != n {
		out[n-1] = loessPoint(y, span, degree, n, window, ws)
	}
	if jump > 1 {
		for i := 1; i < n; i += jump {
			j := min(i+jump, n)
			for k := i + 1; k < j; k++ {
				f := float64(k-i) / float64(j-i)
				out[k-1] = out[i-1] + f*(out[j-1]-out[i-1])
			}
		}
	}
}

// tricube is the loess weight (1 − q³)³ of a point at scaled distance q
// < 1. The cube is multiplied out: math.Pow took most of the time of
// STL, and for an integer power it multiplies the same factors, so the
// weights are the same.
func tricube(q float64) float64 {
	t := 1 - q*q*q
	return t * (t * t)
}

func loessPoint(y []float64, span, degree, i int, window func(int) (int, int), ws *weights) float64 {
	left, right := window(i)
	v, ok := loessAt(y, span, degree, float64(i), left, right, ws)
	if !ok {
		return y[i-1]
	}
	return v
}

// weights holds the normalised tricube weights of the last loessAt call
// and what they depend on: the distance from the window's left end to
// the point estimated, the window's width and the bandwidth. The points
// of one smoothing whose windows lie inside the series share those, and
// so their weights, bit for bit; loessAt reuses them rather than
// computing each point's afresh (they were half of its time).
type weights struct {
	w                []float64
	offset, width, h float64
	ok               bool // the weights exist: some are positive
	valid            bool
}

// tricube sets ws.w to the normalised tricube weights of the points
// left…right for an estimate at xs with bandwidth h, and reports whether
// any is positive.
func (ws *weights) tricube(xs, h float64, left, right int) bool {
	offset, width := xs-float64(left), float64(right-left)
	if ws.valid && offset == ws.offset && width == ws.width && h == ws.h {
		return ws.ok
	}
	ws.offset, ws.width, ws.h, ws.valid = offset, width, h, true
	if cap(ws.w) < right-left+1 {
		ws.w = make([]float64, right-left+1)
	}
	w := ws.w[:right-left+1]
	clear(w)
	h9, h1 := 0.999*h, 0.001*h
	var total float64
	for j := left; j <= right; j++ {
		r := math.Abs(float64(j) - xs)
		if r <= h9 {
			wj := 1.0
			if r > h1 {
				wj = tricube(r / h)
			}
			w[j-left] = wj
			total += wj
		}
	}
	ws.ok = total > 0
	if !ws.ok {
		return false
	}
	for j := range w {
		w[j] /= total
	}
	return true
}

// loessAt is STL's stlest: the loess estimate at xs from the points
// left…right (1-based) with tricube weights, locally linear when degree
// is 1. ok is false when all weights vanish.
func loessAt(y []float64, span, degree int, xs float64, left, right int, ws *weights) (float64, bool) {
	n := len(y)
	h := math.Max(xs-float64(left), float64(right)-xs)
	if span > n {
		h += float64((span - n) / 2)
	}
	if !ws.tricube(xs, h, left, right) {
		return 0, false
	}
	w := ws.w[:right-left+1]
	var ys float64
	if h > 0 && degree > 0 {
		var a float64
		for j := left; j <= right; j++ {
			a += w[j-left] * float64(j)
		}
		b := xs - a
		var c float64
		for j := left; j <= right; j++ {
			d := float64(j) - a
			c += w[j-left] * d * d
		}
		if math.Sqrt(c) > 0.001*float64(n-1) {
			// The local line tilts the weights; the normalised ones stay
			// in ws for the next point.
			b /= c
			for j := left; j <= right; j++ {
				wj := w[j-left] * (b*(float64(j)-a) + 1)
				ys += wj * y[j-1]
			}
			return ys, true
		}
	}
	for j := left; j <= right; j++ {
		ys += w[j-left] * y[j-1]
	}
	return ys, true
}
