// Package etsmoments computes the forecast means and variances of the
// exponential-smoothing state-space models (Hyndman et al. 2008, chapter
// 6) from a fitted model's final states; expsmooth and ets share it.
package etsmoments
