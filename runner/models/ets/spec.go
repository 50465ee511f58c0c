package ets

import (
	"fmt"
	"strings"
)

// Component is the form of one ETS component.
type Component int

// Component forms. None is the zero value; Damped applies to the trend only
// and Multiplicative to the error and the season.
const (
	None Component = iota
	Additive
	Multiplicative
	Damped
)

// letter is the component's letter in the ETS(E,T,S) notation.
func (c Component) letter() string {
	switch c {
	case Additive:
		return "A"
	case Multiplicative:
		return "M"
	case Damped:
		return "Ad"
	}
	return "N"
}

// Spec is one ETS form. Error is Additive or Multiplicative, Trend None,
// Additive or Damped, Season None, Additive or Multiplicative.
type Spec struct {
	Error, Trend, Season Component
}

// String is the form in R's notation, such as "ETS(M,Ad,M)".
func (s Spec) String() string {
	return fmt.Sprintf("ETS(%s,%s,%s)", s.Error.letter(), s.Trend.letter(), s.Season.letter())
}

func (s Spec) valid() bool {
	return (s.Error == Additive || s.Error == Multiplicative) &&
		(s.Trend == None || s.Trend == Additive || s.Trend == Damped) &&
		(s.Season == None || s.Season == Additive || s.Season == Multiplicative)
}

func (s Spec) trend() bool    { return s.Trend != None }
func (s Spec) damped() bool   { return s.Trend == Damped }
func (s Spec) seasonal() bool { return s.Season != None }

// needsPositive reports whether the form divides by the data's level:
// multiplicative error or season.
func (s Spec) needsPositive() bool {
	return s.Error == Multiplicative || s.Season == Multiplicative
}

// form is a Spec bound to a season length: what a fit works with.
type form struct {
	Spec
	m int // season length, 1 without a season
}

func newForm(s Spec, season int) form {
	if !s.seasonal() {
		season = 1
	}
	return form{Spec: s, m: season}
}

// nSmoothing counts the estimated smoothing parameters alpha, beta, gamma
// and phi.
func (f form) nSmoothing() int {
	k := 1
	if f.trend() {
		k++
	}
	if f.seasonal() {
		k++
	}
	if f.damped() {
		k++
	}
	return k
}

// nStates counts the free initial states: level, trend and all seasonal
// states but one, which the normalisation fixes.
func (f form) nStates() int {
	k := 1
	if f.trend() {
		k++
	}
	if f.seasonal() {
		k += f.m - 1
	}
	return k
}

// nParams is R's np: every estimated parameter and initial state plus the
// error variance. It is the penalty count of the information criteria.
func (f form) nParams() int { return f.nSmoothing() + f.nStates() + 1 }

// minLength is the shortest history the form is fitted on: R's ets wants
// more than npars+4 observations (npars counting alpha and the level, beta
// and the trend, phi, and gamma with the m-1 seasonal states), and AICc
// needs more observations than parameters plus one.
func (f form) minLength() int {
	npars := 2
	if f.trend() {
		npars += 2
	}
	if f.damped() {
		npars++
	}
	if f.seasonal() {
		npars += f.m
	}
	return max(npars+5, f.nParams()+2)
}

// ParseSpec reads a form in R's notation, "ETS(M,Ad,M)" or "MAdM".
func ParseSpec(s string) (Spec, error) {
	text := strings.NewReplacer("ETS(", "", ")", "", ",", "").Replace(strings.TrimSpace(s))
	var spec Spec
	read := func(allowed ...Component) (Component, bool) {
		for _, c := range allowed {
			if strings.HasPrefix(text, c.letter()) && (c != Additive || !strings.HasPrefix(text, "Ad")) {
				text = text[len(c.letter()):]
				return c, true
			}
		}
		return None, false
	}
	var okE, okT, okS bool
	spec.Error, okE = read(Additive, Multiplicative)
	spec.Trend, okT = read(Damped, Additive, None)
	spec.Season, okS = read(Additive, Multiplicative, None)
	if !okE || !okT || !okS || text != "" {
		return Spec{}, fmt.Errorf("ets: cannot parse form %q", s)
	}
	return spec, nil
}
