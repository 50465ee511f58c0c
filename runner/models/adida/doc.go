// Package adida implements the temporal-aggregation forecasts for intermittent demand, ADIDA and IMAPA.
package adida
