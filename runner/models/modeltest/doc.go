// Package modeltest is the conformance suite that every forecasting model
// must pass: determinism, in-sample length, interval ordering, and finite
// output on degenerate series.
package modeltest
