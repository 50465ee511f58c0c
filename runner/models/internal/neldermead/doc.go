// Package neldermead minimises a function on the unit box [0,1]^k with the
// Nelder–Mead simplex method, without allocating during a minimisation.
package neldermead
