// Package arima implements seasonal ARIMA models estimated as R's arima
// (conditional sum of squares for starting values, then exact Gaussian
// likelihood through a Kalman filter) and the Hyndman–Khandakar stepwise
// selection of R forecast's auto.arima.
package arima
