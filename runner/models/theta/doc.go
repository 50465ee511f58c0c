// Package theta implements the Theta method of Assimakopoulos and
// Nikolopoulos as R forecast's thetaf() (simple exponential smoothing with
// half the linear trend's slope as drift), and the optimised and dynamic
// optimised theta methods of Fiorucci et al. (2016), which estimate theta
// too; all work on multiplicatively deseasonalised data when a seasonality
// test says so.
package theta
