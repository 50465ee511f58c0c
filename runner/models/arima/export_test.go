package arima

// Internals exposed to the external tests.
var (
	KPSS             = kpss
	KPSSLags         = kpssLags
	NDiffs           = ndiffs
	NSDiffs          = nsdiffs
	SeasonalStrength = seasonalStrength
)
