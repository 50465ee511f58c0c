// Package models defines the interface every forecasting model implements,
// the forecast value it returns, and the errors a model uses to say that it
// cannot fit a series.
package models
