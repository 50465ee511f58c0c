// Package expsmooth implements SES, Holt, damped Holt and Holt-Winters
// (additive and multiplicative) as configurations of one error-correction
// exponential-smoothing core, estimated by least squares like R's forecast
// package.
package expsmooth
