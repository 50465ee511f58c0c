package shard_test

import (
	"fmt"

	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/shard"
)

func ExampleFilter() {
	items := []series.Series{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}}
	for index := range 2 {
		var ids []string
		for _, it := range shard.Filter(items, index, 2) {
			ids = append(ids, it.ID)
		}
		fmt.Println(index, ids)
	}
	// Output:
	// 0 [a c]
	// 1 [b d]
}
