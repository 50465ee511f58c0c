package arima

// candidate is one point of the stepwise search.
type candidate struct {
	p, q, sp, sq int
	constant     bool
}

// stepwise runs the Hyndman–Khandakar search as auto.arima: four start
// models, then moves of P, Q, p, q by one (alone and in pairs) and the
// toggle of the constant, restarting from every improvement, until no
// neighbour improves the AICc.
func (se *search) stepwise() estimate {
	p, q := min(2, se.maxp), min(2, se.maxq)
	sp, sq := min(1, se.maxsp), min(1, se.maxsq)
	if len(se.y) < 10 {
		p, q, sp, sq = min(p, 1), min(q, 1), 0, 0
	}
	cur := candidate{p, q, sp, sq, se.allowConstant}
	best := se.fit(p, q, sp, sq, cur.constant)
	try := func(c candidate) bool {
		e := se.fit(c.p, c.q, c.sp, c.sq, c.constant)
		if e.ic < best.ic {
			best, cur = e, c
			return true
		}
		return false
	}
	try(candidate{0, 0, 0, 0, cur.constant})
	if se.maxp > 0 || se.maxsp > 0 {
		try(candidate{b2i(se.maxp > 0), 0, b2i(se.m > 1 && se.maxsp > 0), 0, cur.constant})
	}
	if se.maxq > 0 || se.maxsq > 0 {
		try(candidate{0, b2i(se.maxq > 0), 0, b2i(se.m > 1 && se.maxsq > 0), cur.constant})
	}
	if se.allowConstant && try(candidate{0, 0, 0, 0, false}) {
		cur.constant = true // as auto.arima, the search goes on with the constant
	}
	for startk := -1; startk < len(se.tried) && len(se.tried) < maxModels; {
		startk = len(se.tried)
		if se.improveOnce(&cur, try) {
			continue
		}
		if se.allowConstant {
			c := cur
			c.constant = !c.constant
			if se.isNew(c.p, c.q, c.sp, c.sq, c.constant) {
				try(c)
			}
		}
	}
	if se.approximate {
		return se.refitExact()
	}
	return best
}

// improveOnce tries the neighbours of cur in auto.arima's order and
// stops at the first that improves.
func (se *search) improveOnce(cur *candidate, try func(candidate) bool) bool {
	c := *cur
	moves := [][4]int{ // changes of sp, sq, then p, q
		{-1, 0, 0, 0}, {0, -1, 0, 0}, {1, 0, 0, 0}, {0, 1, 0, 0},
		{-1, -1, 0, 0}, {-1, 1, 0, 0}, {1, -1, 0, 0}, {1, 1, 0, 0},
		{0, 0, -1, 0}, {0, 0, 0, -1}, {0, 0, 1, 0}, {0, 0, 0, 1},
		{0, 0, -1, -1}, {0, 0, -1, 1}, {0, 0, 1, -1}, {0, 0, 1, 1},
	}
	for _, mv := range moves {
		n := candidate{c.p + mv[2], c.q + mv[3], c.sp + mv[0], c.sq + mv[1], c.constant}
		if n.p < 0 || n.q < 0 || n.sp < 0 || n.sq < 0 || n.p > se.maxp || n.q > se.maxq || n.sp > se.maxsp || n.sq > se.maxsq {
			continue
		}
		if !se.isNew(n.p, n.q, n.sp, n.sq, n.constant) {
			continue
		}
		if len(se.tried) >= maxModels {
			return false
		}
		if try(n) {
			return true
		}
	}
	return false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
