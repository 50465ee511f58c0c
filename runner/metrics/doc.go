// Package metrics scores point forecasts against held-out actuals with the
// M4 competition's conventions (MASE, sMAPE, RMSSE) and the plain errors
// (MAE, RMSE, WAPE) that retail planners ask for.
package metrics
