package registry_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/models/registry"
)

func ExampleSelect() {
	ms, err := registry.Select([]string{"theta", "naive"}, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range ms {
		fmt.Println(m.Name())
	}
	// Output:
	// Naive
	// Theta
}

// The ensemble is a name a selection may hold, not a model: Select leaves
// it out and WantsEnsemble tells the caller to enable it in the tournament.
func ExampleWantsEnsemble() {
	names := []string{"Naive", "OptimizedTheta", "Ensemble"}
	ms, err := registry.Select(names, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range ms {
		fmt.Println(m.Name())
	}
	fmt.Println("ensemble:", registry.WantsEnsemble(names))
	// Output:
	// Naive
	// OptimizedTheta
	// ensemble: true
}
