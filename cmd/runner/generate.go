package main

import (
	"context"
	"fmt"
	"io"

	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/series"
	"github.com/forecastrun/forecastrun/runner/synth"
)

const generateSynopsis = `generate --items N --periods T --out FILE [flags]

Writes a synthetic retail dataset (smooth, erratic, intermittent and lumpy
demand with weekly and yearly seasonality, trends and promotions) as a long
CSV file, or a Parquet file when FILE ends in .parquet (see series.WriteParquet).
The same flags and seed always give the same file.`

func runGenerate(_ context.Context, args []string, e env) error {
	fs := newFlagSet("generate", generateSynopsis, e)
	var cfg synth.Config
	fs.IntVar(&cfg.Items, "items", 100, "number of items")
	fs.IntVar(&cfg.Periods, "periods", 730, "periods per item")
	frequency := fs.String("frequency", "daily", "frequency: hourly, daily, weekly, monthly, quarterly or yearly")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed")
	out := fs.String("out", "", "output file, CSV or .parquet (required)")
	cols := columnFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if cfg.Items < 1 || cfg.Periods < 1 {
		return usagef("--items and --periods must be at least 1")
	}
	var err error
	if cfg.Frequency, err = series.ParseFrequency(*frequency); err != nil {
		return usageError{err}
	}
	ds, err := synth.Generate(cfg)
	if err != nil {
		return err
	}
	write := series.Write
	if series.IsParquet(*out, nil) {
		write = series.WriteParquet
	}
	if err := output.WriteFile(*out, func(w io.Writer) error { return write(w, ds, *cols) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "wrote %d items × %d %s periods to %s\n", cfg.Items, cfg.Periods, cfg.Frequency, *out)
	return nil
}
