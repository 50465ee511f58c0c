package sample

import (
	"fmt"
	"strings"
)

// Mode chooses how many items a run forecasts, so a trial run is cheap.
type Mode string

// The run modes.
const (
	QuickTest Mode = "QuickTest"
	Sample    Mode = "Sample"
	Standard  Mode = "Standard"
	Full      Mode = "Full"
)

// Modes lists the run modes from cheapest to dearest.
var Modes = []Mode{QuickTest, Sample, Standard, Full}

// Valid reports whether m is one of the declared modes.
func (m Mode) Valid() bool {
	switch m {
	case QuickTest, Sample, Standard, Full:
		return true
	}
	return false
}

// Count is the number of items the mode forecasts; 0 means all of them.
// An unknown mode counts as QuickTest, the cheap default.
func (m Mode) Count() int {
	switch m {
	case Sample:
		return 500
	case Standard:
		return 1000
	case Full:
		return 0
	}
	return 100
}

// ParseMode reads a mode name in any letter case; "quick" and "quick-test"
// mean QuickTest.
func ParseMode(s string) (Mode, error) {
	key := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(s)))
	if key == "quick" {
		return QuickTest, nil
	}
	for _, m := range Modes {
		if strings.ToLower(string(m)) == key {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown mode %q: want QuickTest, Sample, Standard or Full", s)
}
