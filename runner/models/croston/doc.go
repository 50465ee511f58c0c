// Package croston implements Croston's method and its SBA and TSB variants for intermittent demand.
package croston
