// Package theta implements the Theta method of Assimakopoulos and
// Nikolopoulos as R forecast's thetaf(): simple exponential smoothing with
// half the linear trend's slope as drift, on multiplicatively
// deseasonalised data when a seasonality test says so.
package theta
