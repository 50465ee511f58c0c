// Package ets implements the exponential-smoothing state-space family
// ETS(error, trend, season) of Hyndman et al. (2008) with maximum-likelihood
// estimation and automatic selection by AICc, after R forecast's ets().
package ets
