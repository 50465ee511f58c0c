package checkpoint_test

import (
	"fmt"
	"os"

	"github.com/forecastrun/forecastrun/runner/checkpoint"
	"github.com/forecastrun/forecastrun/runner/tournament"
)

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "checkpoint-example")
	defer os.RemoveAll(dir)
	run := checkpoint.Run{Dataset: "sha256:…", Mode: "Full", Horizon: 14, Metric: "MASE", Shards: 1}

	w, done, _ := checkpoint.Open(dir, 0, run.Fingerprint())
	fmt.Println("first start:", len(done), "done")
	w.Append(tournament.ItemResult{ID: "SKU-1", Winner: "SES"})
	w.Close() // or a crash: the record was written at once

	w, done, _ = checkpoint.Open(dir, 0, run.Fingerprint())
	defer w.Close()
	fmt.Println("restart:", len(done), "done, winner", done["SKU-1"].Winner)
	// Output:
	// first start: 0 done
	// restart: 1 done, winner SES
}
