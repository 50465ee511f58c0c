// Package stl decomposes a series into seasonal, trend and remainder
// components by Cleveland et al.'s STL, as R's stl does, for the models
// that need a season removed or measured.
package stl
