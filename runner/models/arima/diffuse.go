package arima

import "math"

// kappa is R's variance for the diffuse prior of the differencing states.
const kappa = 1e6

// diffuseKalman computes R's arima likelihood of an ARIMA model with
// differences on the undifferenced series: the state is the ARMA state
// followed by the last nd observations, whose prior is N(0, κ) with
// κ = 10⁶; observations whose prediction variance is 10⁴ or more are
// left out of the likelihood, as R's ARIMA_Like. With a finite κ the
// result depends slightly on the level of the data (it differs from the
// exact diffuse likelihood by up to about 0.1 on series in the hundreds),
// enough to change auto.arima's search path, so the exact fits of the
// search use this form on short series where R's choices are the
// reference. It costs O((r+nd)²) per observation for the first nd
// observations, then O(r²) until the steady state.
type diffuseKalman struct {
	arma  *kalman
	r, nd int
	n     int // r + nd
	delta []float64
	s, z  []float64
	gain  []float64
	tmp   []float64
	col   []float64
	// the ARMA phase after the diffuse one
	a2, g2 []float64
	p2, pf []float64
	// ssqDiffuse is the sum of squared standardised innovations of the
	// observations the last likelihood call left out.
	ssqDiffuse float64
	// std, when not nil, receives the standardised innovations of the
	// observations counted, in order.
	std  []float64
	p, b []float64 // n×n
	pnew []float64
}

func newDiffuseKalman(pl *polys, delta []float64) *diffuseKalman {
	r, nd := pl.stateSize, len(delta)-1
	n := r + nd
	return &diffuseKalman{
		arma: newKalman(pl), r: r, nd: nd, n: n, delta: delta,
		s: make([]float64, n), z: make([]float64, n), gain: make([]float64, n), tmp: make([]float64, n), col: make([]float64, n),
		a2: make([]float64, r), g2: make([]float64, r), p2: make([]float64, r*r), pf: make([]float64, r*r),
		p: make([]float64, n*n), b: make([]float64, n*n), pnew: make([]float64, n*n),
	}
}

// applyT sets dst = T·src for the augmented transition: the ARMA block,
// then the new observation a[0] + Σ δ_j x_{t−j} into the first lag slot
// and a shift of the others.
func (k *diffuseKalman) applyT(dst, src []float64) {
	r, ar := k.r, k.arma.pl.ar
	for i := range r - 1 {
		dst[i] = ar[i+1]*src[0] + src[i+1]
	}
	dst[r-1] = ar[r] * src[0]
	obs := src[0]
	for j := 1; j <= k.nd; j++ {
		obs += k.delta[j] * src[r+j-1]
	}
	for j := k.nd - 1; j >= 1; j-- {
		dst[r+j] = src[r+j-1]
	}
	dst[r] = obs
}

// likelihood filters x (the series minus any drift) and returns the sum
// of squared standardised innovations, the sum of log variances and the
// number of observations counted. The squared standardised innovations of
// the observations left out go to k.ssqDiffuse: R counts them in its
// residuals.
func (k *diffuseKalman) likelihood(x []float64) (ssq, sumlog float64, nu int, ok bool) {
	k.ssqDiffuse = 0
	if !k.arma.stationaryCov() {
		return 0, 0, 0, false
	}
	k.start()
	acc := func(v, f float64) {
		if f < 1e4 {
			ssq += v * v / f
			sumlog += math.Log(f)
			k.keep(nu, v/math.Sqrt(f))
			nu++
		} else {
			k.ssqDiffuse += v * v / f
		}
	}
	// The first nd observations resolve the diffuse lag states.
	for t := range min(k.nd, len(x)) {
		if t > 0 {
			copy(k.tmp, k.s)
			k.applyT(k.s, k.tmp)
			k.predictCov()
		}
		v := x[t] - dot(k.z, k.s)
		f := k.updateCov(v)
		if !(f > 0) {
			return 0, 0, 0, false
		}
		acc(v, f)
	}
	if len(x) <= k.nd {
		return ssq, sumlog, nu, true
	}
	// From then on the lag states hold observed values: their variance is
	// zero, and the filter reduces to the ARMA block on the differences.
	copy(k.tmp, k.s)
	k.applyT(k.s, k.tmp)
	k.predictCov()
	if !k.armaPhase(x, acc) {
		return 0, 0, 0, false
	}
	return ssq, sumlog, nu, true
}

// start sets the prior: zero mean, the stationary ARMA covariance and κ
// on the lag states.
func (k *diffuseKalman) start() {
	n, r := k.n, k.r
	clear(k.s)
	clear(k.pnew)
	for i := range r {
		copy(k.pnew[i*n:i*n+r], k.arma.pnew[i*r:(i+1)*r])
	}
	for j := range k.nd {
		k.pnew[(r+j)*n+r+j] = kappa
	}
	clear(k.z)
	k.z[0] = 1
	for j := 1; j <= k.nd; j++ {
		k.z[r+j-1] = k.delta[j]
	}
}

// armaPhase continues the filter on u_t = x_t − Σ δ_j x_{t−j}, t ≥ nd,
// from the ARMA block of the predicted state in s and pnew, with the
// Riccati recursion of the r×r covariance (the prior is no longer the
// stationary one, so the rank-one Chandrasekhar form does not apply)
// until the steady state.
func (k *diffuseKalman) armaPhase(x []float64, acc func(v, f float64)) bool {
	n, r, ma := k.n, k.r, k.arma.pl.ma
	a, p := k.a2, k.p2
	copy(a, k.s[:r])
	for i := range r {
		copy(p[i*r:(i+1)*r], k.pnew[i*n:i*n+r])
	}
	steady := false
	var fPrev float64
	for t := k.nd; t < len(x); t++ {
		u := x[t]
		for j := 1; j <= k.nd; j++ {
			u -= k.delta[j] * x[t-j]
		}
		f := fPrev
		if !steady {
			f = p[0]
			if !(f > 0) {
				return false
			}
			for i := range r {
				k.g2[i] = p[i*r] / f
			}
		}
		v := u - a[0]
		acc(v, f)
		for i := range r {
			a[i] += k.g2[i] * v
		}
		copy(k.tmp[:r], a)
		k.arma.applyT(a, k.tmp[:r])
		if steady {
			continue
		}
		// filtered covariance, whose first row and column vanish, then
		// the prediction: a shift plus the innovation term
		for i := 1; i < r; i++ {
			for j := i; j < r; j++ {
				k.pf[i*r+j] = p[i*r+j] - p[i*r]*p[j*r]/f
			}
		}
		for i := range r {
			for j := i; j < r; j++ {
				v := ma[i] * ma[j]
				if j+1 < r {
					v += k.pf[(i+1)*r+j+1]
				}
				p[i*r+j], p[j*r+i] = v, v
			}
		}
		steady = t > k.nd && math.Abs(f-fPrev) <= steadyTol*f
		fPrev = f
	}
	return true
}

func (k *diffuseKalman) keep(i int, v float64) {
	if k.std != nil && i < len(k.std) {
		k.std[i] = v
	}
}

// updateCov applies the innovation v: it sets the gain from pnew, updates
// the state and leaves the filtered covariance in p. It returns the
// innovation variance.
func (k *diffuseKalman) updateCov(v float64) float64 {
	n := k.n
	for i := range n {
		k.tmp[i] = dot(k.pnew[i*n:(i+1)*n], k.z) // M = Pnew·Zᵀ
	}
	f := dot(k.z, k.tmp)
	for i := range n {
		k.gain[i] = k.tmp[i] / f
		k.s[i] += k.gain[i] * v
	}
	for i := range n {
		for j := range n {
			k.p[i*n+j] = k.pnew[i*n+j] - k.tmp[i]*k.tmp[j]/f
		}
	}
	return f
}

// predictCov sets pnew = T·p·Tᵀ + R·Rᵀ: b = p·Tᵀ row by row (p is
// symmetric), then pnew = T·b column by column.
func (k *diffuseKalman) predictCov() {
	n, r, ma := k.n, k.r, k.arma.pl.ma
	for i := range n {
		k.applyT(k.b[i*n:(i+1)*n], k.p[i*n:(i+1)*n])
	}
	col := k.col
	for j := range n {
		for i := range n {
			k.tmp[i] = k.b[i*n+j]
		}
		k.applyT(col, k.tmp)
		for i := range n {
			k.pnew[i*n+j] = col[i]
		}
	}
	for i := range r {
		for j := range r {
			k.pnew[i*n+j] += ma[i] * ma[j]
		}
	}
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}
