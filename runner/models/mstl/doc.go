// Package mstl implements MSTL (Bandara, Hyndman and Bergmeir 2021), as R
// forecast's mstl and stlf do it: the series is decomposed by STL for each
// of several seasonal periods in turn (a day and a week of hourly data, a
// week and a year of daily data, a year of weekly data), the seasonally
// adjusted series is forecast by AutoETS without season, and each seasonal
// component is continued by its last cycle.
package mstl
