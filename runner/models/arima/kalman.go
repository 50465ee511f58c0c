package arima

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

// Steady-state detection: once the innovation variance changes by less
// than this fraction between steps, the gain is frozen (the filter of a
// time-invariant model converges to its steady state), and each further
// step costs O(r) instead of O(r²).
const steadyTol = 1e-10

// longState is the state dimension from which likelihood runs the vector
// form of the updates (see run). Below it (every daily model: r ≤ 20 at
// season 7) the calls of the vector operations cost more than the plain loops save;
// hourly and weekly seasonal models (r ≥ 25) gain.
const longState = 24

// kalman computes the exact Gaussian likelihood of a zero-mean ARMA
// process, in the state-space form R's arima uses (Harvey's: the state's
// first element is the observation, T has the AR coefficients in its
// first column and ones above the diagonal, R = (1, ma_1, …)).
//
// Started from the stationary covariance, the change of the prediction
// covariance from one step to the next has rank one, so the Chandrasekhar
// recursions (Morf, Sidhu & Kailath 1974) propagate the gain and the
// innovation variance in O(r) per observation instead of the O(r²) of the
// Riccati recursion: with ΔP_t = m_t·w_t·w_tᵀ, c = w_t[0],
//
//	F_{t+1} = F_t + m_t c²,  K_{t+1} = K_t + m_t c T w_t,
//	w_{t+1} = T w_t − c K_{t+1}/F_{t+1},  m_{t+1} = m_t F_{t+1}/F_t,
//
// from K_0 = T P_0 e_1, w_0 = K_0, m_0 = −1/F_0. Only the first column of
// the stationary covariance P_0 is needed. Once F stops changing the gain
// is frozen (the steady state). Its buffers are reused across
// evaluations; nothing is allocated per observation.
type kalman struct {
	pl      *polys
	r       int
	a, k, w []float64 // predicted state, unnormalised gain T·P·e₁, ΔP factor
	// aLong, wLong hold a and w of the long form, which slides them along
	// (see slidingBuffers).
	aLong, wLong []float64
	p0           []float64 // first column of the stationary covariance
	pnew         []float64 // the full stationary covariance, for diffuseKalman
	gamma, psi   []float64
	gx           []float64 // autocovariances of the AR part, to lag r + nMA
	tri          []float64 // the AR coefficients of every order, row j of length j
	// columnLags are the j < r, ascending, at which ar_{j+1} or ma_j can
	// be non-zero: the terms of firstColumn's sums (see columnTerms).
	columnLags []int
	// std, when not nil, receives the standardised innovations v/√F.
	std []float64
	// cov, when not nil (r×r), receives the prediction covariance of the
	// state after the last observation, for the forecast variance.
	cov []float64
}

func newKalman(pl *polys) *kalman {
	r := pl.stateSize
	return &kalman{
		pl: pl, r: r,
		a: make([]float64, r), k: make([]float64, r), w: make([]float64, r),
		p0: make([]float64, r), gamma: make([]float64, r+1), psi: make([]float64, r+1),
		gx: make([]float64, r+pl.nMA+1), tri: make([]float64, pl.nAR*(pl.nAR+1)/2),
		columnLags: columnTerms(pl),
	}
}

// columnTerms lists, ascending, the j < r at which ar_{j+1} or ma_j can
// be non-zero (ma_0 = 1 always is). The other terms of firstColumn's sums
// are exact zeros, so skipping them leaves each sum the same to the bit;
// with a seasonal part (r of 25 to 160) they are nearly all of them, and
// the sums over every j took a sixth of a tournament's CPU on m4-weekly.
func columnTerms(pl *polys) []int {
	r := pl.stateSize
	use := make([]bool, r)
	use[0] = true
	for _, l := range pl.arLags {
		use[l-1] = true
	}
	for _, l := range pl.maLags {
		if l < r {
			use[l] = true
		}
	}
	var js []int
	for j, u := range use {
		if u {
			js = append(js, j)
		}
	}
	return js
}

// likelihood runs the filter over u (the differenced series minus its
// constant) with the polynomials already set. It returns the sum of the
// squared standardised innovations and the sum of the log innovation
// variances (both for unit innovation variance), and false when the
// stationary covariance does not exist. When innov is not nil it receives
// the raw one-step prediction errors. Afterwards k.a holds the predicted
// state for the step after the last observation.
func (k *kalman) likelihood(u, innov []float64) (ssq, sumlog float64, ok bool) {
	return k.run(u, innov, k.r >= longState)
}

// run is likelihood with the form of the state updates chosen: plain loops
// over the state, or for long states (seasonal models) whole-vector
// operations that touch the AR column at its non-zero lags only. The two
// forms are the same arithmetic up to rounding; each has a loop of its
// own, which keeps the short one's variables in registers. Both keep
// Σ log F as the log of a running product, renormalised now and then: one
// logarithm per many observations instead of one per observation.
func (k *kalman) run(u, innov []float64, long bool) (ssq, sumlog float64, ok bool) {
	if k.cov != nil {
		if !k.stationaryCov() {
			return 0, 0, false
		}
		copy(k.cov, k.pnew)
	} else if !k.firstColumn() {
		return 0, 0, false
	}
	clear(k.a)
	k.applyT(k.k, k.p0)
	copy(k.w, k.k)
	if long {
		return k.runLong(u, innov)
	}
	return k.runShort(u, innov)
}

// record stores innovation v of variance f at time t in raw and, divided
// by its standard deviation, in std, where they are not nil.
func record(raw, std []float64, t int, v, f float64) {
	if raw != nil {
		raw[t] = v
	}
	if std != nil {
		std[t] = v / math.Sqrt(f)
	}
}

// runShort is the filter loop with plain loops over the state: a, K and w
// are updated in place.
func (k *kalman) runShort(u, innov []float64) (ssq, sumlog float64, ok bool) {
	r := k.r
	a, kk, w := k.a[:r], k.k[:r], k.w[:r]
	f := k.p0[0]
	m := -1 / f
	steady := false
	prod := 1.0
	for t, y := range u {
		if !(f > 0) {
			return 0, 0, false
		}
		v := y - a[0]
		ssq += v * v / f
		prod *= f // Σ log F as the log of a running product (see run)
		if prod > 1e150 || prod < 1e-150 {
			sumlog += math.Log(prod)
			prod = 1
		}
		record(innov, k.std, t, v, f)
		k.advanceStateShort(a, kk, v/f) // a ← T·a + K·v/F
		if steady {
			continue
		}
		if k.cov != nil {
			k.addToCov(w, m)
		}
		// K ← K + m·c·T·w and w ← T·w − c·K/F'.
		c := w[0]
		fNext := f + m*c*c
		k.advanceGainShort(kk, w, m*c, c/fNext)
		m *= fNext / f
		steady = math.Abs(fNext-f) <= steadyTol*fNext
		f = fNext
	}
	return ssq, sumlog + math.Log(prod), true
}

// runLong is runShort with whole-vector operations, a and w sliding
// along buffers of their own (see slidingBuffers); k.a receives the
// final state.
func (k *kalman) runLong(u, innov []float64) (ssq, sumlog float64, ok bool) {
	r, kk := k.r, k.k
	aLong, wLong := k.slidingBuffers(len(u))
	a, w := aLong[:r], wLong[:r]
	copy(a, k.a)
	copy(w, k.w)
	f := k.p0[0]
	m := -1 / f
	steady := false
	prod := 1.0
	for t, y := range u {
		if !(f > 0) {
			return 0, 0, false
		}
		v := y - a[0]
		ssq += v * v / f
		prod *= f // Σ log F as the log of a running product (see run)
		if prod > 1e150 || prod < 1e-150 {
			sumlog += math.Log(prod)
			prod = 1
		}
		record(innov, k.std, t, v, f)
		a = k.advanceStateLong(aLong[t:t+r+1], kk, v/f)
		if steady {
			continue
		}
		if k.cov != nil {
			k.addToCov(w, m)
		}
		c := w[0]
		fNext := f + m*c*c
		w = k.advanceGainLong(wLong[t:t+r+1], kk, m*c, c/fNext)
		m *= fNext / f
		steady = math.Abs(fNext-f) <= steadyTol*fNext
		f = fNext
	}
	copy(k.a, a)
	return ssq, sumlog + math.Log(prod), true
}

// slidingBuffers returns the buffers in which the long form slides the
// state and the ΔP factor along, r + n + 1 long for n observations: the
// vector of step t is buf[t : t+r], so that the shift of T costs nothing.
func (k *kalman) slidingBuffers(n int) (a, w []float64) {
	if need := k.r + n + 1; cap(k.aLong) < need {
		k.aLong, k.wLong = make([]float64, need), make([]float64, need)
	}
	return k.aLong, k.wLong
}

// advanceStateShort sets a ← T·a + g·K in place: a[i] only needs the old
// a[i+1].
func (k *kalman) advanceStateShort(a, kk []float64, g float64) {
	r, ar := len(a), k.pl.ar[1:len(a)+1] // ar[i] is the coefficient of lag i+1
	first := a[0]
	for i := range r - 1 {
		a[i] = ar[i]*first + a[i+1] + kk[i]*g
	}
	a[r-1] = ar[r-1]*first + kk[r-1]*g
}

// advanceStateLong is advanceStateShort on the window buf[:r] of a
// sliding buffer (len(buf) = r+1): the shift moves the window one place
// on, then the gain is added over the whole vector and the AR column at
// its non-zero lags only. It returns the new window, buf[1:].
func (k *kalman) advanceStateLong(buf, kk []float64, g float64) []float64 {
	r := len(kk)
	ar := k.pl.ar[1 : r+1]
	first := buf[0]
	buf[r] = 0
	a := buf[1:]
	floats.AddScaled(a, g, kk)
	for _, l := range k.pl.arLags {
		a[l-1] += ar[l-1] * first
	}
	return a
}

// advanceGainShort sets K ← K + mc·T·w and w ← T·w − cf·K in place, with
// c = w[0] taken before the update.
func (k *kalman) advanceGainShort(kk, w []float64, mc, cf float64) {
	r, ar := len(w), k.pl.ar[1:len(w)+1]
	c := w[0]
	for i := range r - 1 {
		tw := ar[i]*c + w[i+1]
		kk[i] += mc * tw
		w[i] = tw - cf*kk[i]
	}
	tw := ar[r-1] * c
	kk[r-1] += mc * tw
	w[r-1] = tw - cf*kk[r-1]
}

// advanceGainLong is advanceGainShort with w the window buf[:r] of a
// sliding buffer (len(buf) = r+1): w ← T·w by moving the window one
// place on and adding the AR column's lags, then K and w over whole
// vectors. It returns the new window of w, buf[1:].
func (k *kalman) advanceGainLong(buf, kk []float64, mc, cf float64) []float64 {
	r := len(kk)
	ar := k.pl.ar[1 : r+1]
	c := buf[0]
	buf[r] = 0
	w := buf[1:]
	for _, l := range k.pl.arLags {
		w[l-1] += ar[l-1] * c
	}
	floats.AddScaled(kk, mc, w)
	floats.AddScaled(w, -cf, kk)
	return w
}

// addToCov adds the step's change of covariance m·w·wᵀ to cov.
func (k *kalman) addToCov(w []float64, m float64) {
	r := k.r
	for i, wi := range w {
		row := k.cov[i*r : (i+1)*r]
		for j, wj := range w {
			row[j] += m * wi * wj
		}
	}
}

// applyT sets dst = T·src.
func (k *kalman) applyT(dst, src []float64) {
	r, ar := k.r, k.pl.ar
	for i := range r - 1 {
		dst[i] = ar[i+1]*src[0] + src[i+1]
	}
	dst[r-1] = ar[r] * src[0]
}

// firstColumn computes the first column of the stationary covariance of
// the state, Cov(y_t, α_t[c]) = Σ_{j≥c} ar_{j+1}γ(j+1−c) + ma_j ψ_{j−c},
// from the process autocovariances γ and ψ weights.
func (k *kalman) firstColumn() bool {
	if !k.autocovariances() {
		return false
	}
	ar, ma, g, js := k.pl.ar, k.pl.ma, k.gamma, k.columnLags
	from := 0 // js[from:] are the j ≥ c
	for c := range k.r {
		for from < len(js) && js[from] < c {
			from++
		}
		var s float64
		for _, j := range js[from:] {
			s += ar[j+1]*g[j+1-c] + ma[j]*k.psi[j-c]
		}
		k.p0[c] = s
	}
	return g[0] > 0 && !math.IsInf(g[0], 0)
}

// stationaryCov puts the stationary covariance of the state into pnew,
// from the process autocovariances γ and ψ weights: the first row is
// Cov(y_t, α_t[k]) = Σ_{j≥k} ar_{j+1}γ(j+1−k) + ma_j ψ_{j−k}, and the rest
// follows from stationarity, P[i][j] = P[i+1][j+1] + ar_{i+1}ar_{j+1}γ(0)
// + ar_{i+1}P[0][j+1] + ar_{j+1}P[0][i+1] + ma_i ma_j.
func (k *kalman) stationaryCov() bool {
	if !k.firstColumn() {
		return false
	}
	r, ar, ma, g := k.r, k.pl.ar, k.pl.ma, k.gamma
	if k.pnew == nil {
		k.pnew = make([]float64, r*r)
	}
	at := func(i, j int) float64 {
		if i >= r || j >= r {
			return 0
		}
		return k.pnew[i*r+j]
	}
	for c, s := range k.p0 {
		k.pnew[c] = s
		k.pnew[c*r] = s
	}
	for i := r - 1; i >= 1; i-- {
		for j := r - 1; j >= i; j-- {
			v := at(i+1, j+1) + ar[i+1]*ar[j+1]*g[0] + ar[i+1]*at(0, j+1) + ar[j+1]*at(0, i+1) + ma[i]*ma[j]
			k.pnew[i*r+j] = v
			k.pnew[j*r+i] = v
		}
	}
	return true
}

// autocovariances fills psi (ψ weights) and gamma (autocovariances for
// unit innovation variance) up to lag r. The autocovariances of the pure
// AR process x, φ(B)x = e, come from the step-down (inverse
// Durbin–Levinson) recursion in O(p²) rather than a (p+1)-square linear
// system, which matters for seasonal periods of 24 or 52; those of
// y = θ(B)x follow as γ_y(c) = Σ_ij θ_i θ_j γ_x(c+i−j) over the non-zero
// MA lags. It reports false when the AR part is not stationary.
func (k *kalman) autocovariances() bool {
	pl, r := k.pl, k.r
	ar, ma := pl.ar, pl.ma
	k.psi[0] = 1
	for j := 1; j <= r; j++ {
		v := ma[j]
		for _, l := range pl.arLags {
			if l <= j {
				v += ar[l] * k.psi[j-l]
			}
		}
		k.psi[j] = v
	}
	if !k.arAutocovariances() {
		return false
	}
	for c := 0; c <= r; c++ {
		s := k.gx[c] // the ma_0·ma_0 term
		for _, i := range pl.maLags {
			s += ma[i] * (k.gx[c+i] + k.gx[abs(c-i)])
			for _, j := range pl.maLags {
				s += ma[i] * ma[j] * k.gx[abs(c+i-j)]
			}
		}
		k.gamma[c] = s
	}
	return true
}

// arAutocovariances fills gx with the autocovariances of the AR part for
// unit innovation variance: the step-down recursion gives the partial
// autocorrelations κ_j and the coefficients φ_{j,·} of every order j,
// then γ(0) = 1/Π(1−κ_j²), γ(j) = Σ_i φ_{j,i} γ(j−i) up to the order,
// and the AR recursion beyond it.
func (k *kalman) arAutocovariances() bool {
	pl := k.pl
	p := pl.nAR
	row := func(j int) []float64 { return k.tri[j*(j-1)/2 : j*(j-1)/2+j] }
	if p > 0 {
		copy(row(p), pl.ar[1:p+1])
	}
	prod := 1.0
	for j := p; j >= 1; j-- {
		cur := row(j)
		kappa := cur[j-1]
		if !(math.Abs(kappa) < 1) {
			return false
		}
		den := 1 - kappa*kappa
		prod *= den
		if j > 1 {
			prev := row(j - 1)
			for i := range j - 1 {
				prev[i] = (cur[i] + kappa*cur[j-2-i]) / den
			}
		}
	}
	gx := k.gx
	gx[0] = 1 / prod
	for j := 1; j <= p && j < len(gx); j++ {
		var s float64
		for i, phi := range row(j) {
			s += phi * gx[j-1-i]
		}
		gx[j] = s
	}
	for j := p + 1; j < len(gx); j++ {
		var s float64
		for _, l := range pl.arLags {
			s += pl.ar[l] * gx[j-l]
		}
		gx[j] = s
	}
	return !math.IsInf(gx[0], 0) && !math.IsNaN(gx[0])
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
