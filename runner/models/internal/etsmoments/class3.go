package etsmoments

// Class3 returns the forecast means and variances of ETS(M,N,M),
// ETS(M,A,M) and ETS(M,Ad,M) by the exact moment recursions of Hyndman et
// al. (2008, section 6.4), as R's forecast:::class3. With x = (l, b) the
// level-and-trend block has F1 = [[1, φ], [0, φ]], G1 = g·h1' and
// h1 = (1, φ), so that the first mean is (l + φb)·s like the point
// forecast. R's class3 uses F1 = [[1, 1], [0, φ]], G1 = [[α, α], [β, β]]
// and h1 = (1, 1): the same numbers without damping (φ = 1 multiplies
// exactly), but with damping it forecasts l + (1+φ+…+φ^{h−1})b instead of
// l + (φ+…+φ^h)b. The recursion tracks the mean M (level-and-trend ×
// seasonal outer product, q×m) and the covariance V of vec(M) (d×d,
// d = q·m). R builds the Kronecker products F2⊗F1, G2⊗G1 and F2⊗G1 + G2⊗F1
// densely; here they are applied as block shifts, because F2 is the
// seasonal rotation and G2 has a single non-zero entry, which costs
// O(q·d²) per step instead of O(d³), and nothing for the terms that involve
// G2 on both sides.
func (o *Origin) Class3(h int) (mean, variance []float64) {
	c := newClass3(o)
	mean, variance = make([]float64, h), make([]float64, h)
	for i := range h {
		mean[i], variance[i] = c.moments()
		c.advance()
	}
	return mean, variance
}

// Class3Mean returns the forecast means of Class3 alone. The means do not
// depend on the variances, whose recursion costs O(q·d²) per step against
// the means' O(d): a point forecast without intervals (a backtest's)
// needs only these.
func (o *Origin) Class3Mean(h int) []float64 {
	c := newClass3Mean(o)
	mean := make([]float64, h)
	for i := range h {
		mean[i] = c.mean()
		c.advanceMean()
	}
	return mean
}

type class3State struct {
	q, m, d    int
	sigma2     float64
	f1, g1, k0 [4]float64 // q×q blocks, row-major with stride q
	phi        float64    // h1 = (1, φ) weighs level and trend in the forecast
	gammaG1    [4]float64
	mh, mhNext []float64 // q×m, column j at [j*q:(j+1)*q]
	v, w, acc  []float64 // d×d
}

func newClass3(o *Origin) *class3State {
	c := newClass3Mean(o)
	d := c.d
	c.v, c.w, c.acc = make([]float64, d*d), make([]float64, d*d), make([]float64, d*d)
	return c
}

// newClass3Mean is newClass3 without the buffers of the variance
// recursion: enough for mean and advanceMean.
func newClass3Mean(o *Origin) *class3State {
	p := o.Params
	q := 1
	if o.Trend {
		q = 2
	}
	m := o.M
	d := q * m
	c := &class3State{q: q, m: m, d: d, sigma2: o.Sigma2, mh: make([]float64, d), mhNext: make([]float64, d)}
	if q == 1 {
		c.f1 = [4]float64{1}
		c.g1 = [4]float64{p.Alpha}
	} else {
		c.f1 = [4]float64{1, p.Phi, 0, p.Phi}
		c.g1 = [4]float64{p.Alpha, p.Alpha * p.Phi, p.Beta, p.Beta * p.Phi}
		c.phi = p.Phi
	}
	for i := range q * q {
		c.gammaG1[i] = p.Gamma * c.g1[i]
		c.k0[i] = p.Gamma*c.f1[i] + c.g1[i]
	}
	lb := [2]float64{o.Level, o.Slope}
	for j := range m {
		// R orders seasonal states newest first; column j is the state of
		// the observation j+1 steps before the forecast origin's next.
		s := o.Seasonal[((o.N-1-j)%m+m)%m]
		for r := range q {
			c.mh[j*q+r] = lb[r] * s
		}
	}
	return c
}

// moments returns the mean and variance of the current step.
func (c *class3State) moments() (mu, variance float64) {
	last := (c.m - 1) * c.q
	h1 := [2]float64{1, c.phi} // the second weight only counts with a trend
	var vblock float64
	for r := range c.q {
		for s := range c.q {
			vblock += h1[r] * h1[s] * c.v[(last+r)*c.d+last+s]
		}
	}
	mu = c.mean()
	return mu, (1+c.sigma2)*vblock + c.sigma2*mu*mu
}

// mean returns the mean of the current step.
func (c *class3State) mean() float64 {
	last := (c.m - 1) * c.q
	h1 := [2]float64{1, c.phi}
	var mu float64
	for r := range c.q {
		mu += h1[r] * c.mh[last+r]
	}
	return mu
}

// advance moves V and M one step ahead:
// V ← AVA' + σ²(AVB' + BVA' + K(V+vv')K' + σ²B(3V+2vv')B'),
// with A = F2⊗F1, B = G2⊗G1, K = G2⊗F1 + F2⊗G1 and v = vec(M).
func (c *class3State) advance() {
	s2 := c.sigma2
	c.sandwich(c.acc, c.v, &c.f1, &c.f1, &c.f1, &c.f1, 1)
	c.sandwich(c.acc, c.v, &c.f1, &c.f1, &c.gammaG1, nil, s2) // AVB'
	c.sandwich(c.acc, c.v, &c.gammaG1, nil, &c.f1, &c.f1, s2) // BVA'
	c.addOuter(c.w, c.v, 1, 1)
	c.sandwich(c.acc, c.w, &c.k0, &c.g1, &c.k0, &c.g1, s2)
	c.addOuter(c.w, c.v, 3, 2)
	c.sandwich(c.acc, c.w, &c.gammaG1, nil, &c.gammaG1, nil, s2*s2)
	c.v, c.acc = c.acc, c.v
	clear(c.acc)
	c.advanceMean()
}

// advanceMean sets M = F1 M F2' + σ² G1 M G2'.
func (c *class3State) advanceMean() {
	q, m := c.q, c.m
	for j := range m {
		src := j - 1
		if j == 0 {
			src = m - 1
		}
		mulBlockVec(c.mhNext[j*q:(j+1)*q], &c.f1, c.mh[src*q:(src+1)*q], q)
	}
	var extra [2]float64
	mulBlockVec(extra[:q], &c.gammaG1, c.mh[(m-1)*q:m*q], q)
	for r := range q {
		c.mhNext[r] += c.sigma2 * extra[r]
	}
	c.mh, c.mhNext = c.mhNext, c.mh
}

// addOuter sets dst = a·V + b·vec(M)vec(M)'.
func (c *class3State) addOuter(dst, v []float64, a, b float64) {
	for i := range c.d {
		for j := range c.d {
			dst[i*c.d+j] = a*v[i*c.d+j] + b*c.mh[i]*c.mh[j]
		}
	}
}

// sandwich adds scale·X W Y' to dst, where X and Y are seasonal block
// shifts given by their first-row block and their other-row block (nil
// for zero). Block (i, j) of X W Y' is X_i · W[π(i), π(j)] · Y_j', with
// π the seasonal rotation (π(0) = m−1, π(i) = i−1), so only non-zero
// block rows and columns cost anything.
func (c *class3State) sandwich(dst, w []float64, x0, x, y0, y *[4]float64, scale float64) {
	for i := range c.m {
		xi, pi := x, i-1
		if i == 0 {
			xi, pi = x0, c.m-1
		}
		if xi == nil {
			continue
		}
		for j := range c.m {
			yj, pj := y, j-1
			if j == 0 {
				yj, pj = y0, c.m-1
			}
			if yj == nil {
				continue
			}
			c.addBlock(dst, w, i, j, pi, pj, xi, yj, scale)
		}
	}
}

// addBlock adds scale · xb · W[pi, pj] · yb' to block (i, j) of dst.
func (c *class3State) addBlock(dst, w []float64, i, j, pi, pj int, xb, yb *[4]float64, scale float64) {
	q, d := c.q, c.d
	if q == 2 {
		addBlock2(dst[(2*i)*d+2*j:], dst[(2*i+1)*d+2*j:], w[(2*pi)*d+2*pj:], w[(2*pi+1)*d+2*pj:], xb, yb, scale)
		return
	}
	var tmp [4]float64 // xb · W[pi, pj]
	for r := range q {
		for s := range q {
			var v float64
			for k := range q {
				v += xb[r*q+k] * w[(pi*q+k)*d+pj*q+s]
			}
			tmp[r*q+s] = v
		}
	}
	for r := range q {
		for s := range q {
			var v float64
			for k := range q {
				v += tmp[r*q+k] * yb[s*q+k]
			}
			dst[(i*q+r)*d+j*q+s] += scale * v
		}
	}
}

// addBlock2 is addBlock for 2×2 blocks, unrolled: d0, d1 and w0, w1 are
// the two rows of the destination and source blocks.
func addBlock2(d0, d1, w0, w1 []float64, x, y *[4]float64, scale float64) {
	t00 := x[0]*w0[0] + x[1]*w1[0]
	t01 := x[0]*w0[1] + x[1]*w1[1]
	t10 := x[2]*w0[0] + x[3]*w1[0]
	t11 := x[2]*w0[1] + x[3]*w1[1]
	d0[0] += scale * (t00*y[0] + t01*y[1])
	d0[1] += scale * (t00*y[2] + t01*y[3])
	d1[0] += scale * (t10*y[0] + t11*y[1])
	d1[1] += scale * (t10*y[2] + t11*y[3])
}

func mulBlockVec(dst []float64, b *[4]float64, x []float64, q int) {
	for r := range q {
		var s float64
		for k := range q {
			s += b[r*q+k] * x[k]
		}
		dst[r] = s
	}
}
