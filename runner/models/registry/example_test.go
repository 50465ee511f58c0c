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
