// Package registry lists the forecasting models a tournament can run, in the
// simplicity order that breaks ties between equally accurate models.
package registry
