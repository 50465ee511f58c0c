package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"syscall"
	"time"

	"github.com/forecastrun/forecastrun/runner/models"
	"github.com/forecastrun/forecastrun/runner/models/registry"
	"github.com/forecastrun/forecastrun/runner/output"
	"github.com/forecastrun/forecastrun/runner/series"
)

const fitSynopsis = `fit --model NAME --input FILE --horizon H --out FILE [flags]

Fits one model to every item of a long CSV, one item at a time on one
thread, and forecasts H steps: what R's forecast(ets(y), h) does per
series, for comparing models and their cost without a tournament around
them. Writes --out as CSV (item_id, step, model, forecast), the format
'runner score' reads, and with --timings the CPU seconds each item took
(item_id, model, cpu_seconds). An item the model cannot fit gets the naive
forecast, counted on stderr, as hack/bench/forecast.R does.`

type fitOptions struct {
	model, input, out, timings string
	horizon, season            int
	columns                    series.Columns
	missing                    series.Missing
}

func parseFit(args []string, e env) (fitOptions, error) {
	var o fitOptions
	fs := newFlagSet("fit", fitSynopsis, e)
	fs.StringVar(&o.model, "model", "", "model to fit (required): "+fmt.Sprint(registry.Names()))
	fs.StringVar(&o.input, "input", "", "long CSV file (required)")
	fs.StringVar(&o.out, "out", "", "forecasts CSV to write (required)")
	fs.StringVar(&o.timings, "timings", "", "per-item CPU seconds CSV to write")
	fs.IntVar(&o.horizon, "horizon", 0, "periods to forecast (required)")
	fs.IntVar(&o.season, "season", 1, "seasonal period")
	cols := columnFlags(fs)
	missing := missingFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	o.columns = *cols
	var err error
	if o.missing, err = series.ParseMissing(*missing); err != nil {
		return o, usageError{err}
	}
	if o.model == "" || o.input == "" || o.out == "" || o.horizon < 1 || o.season < 1 {
		return o, usagef("--model, --input, --out and a --horizon of at least 1 are required; --season at least 1")
	}
	return o, nil
}

// itemCost is what fitting one item cost.
type itemCost struct {
	id  string
	cpu time.Duration
}

func runFit(ctx context.Context, args []string, e env) error {
	o, err := parseFit(args, e)
	if err != nil {
		return err
	}
	ms, err := registry.Select([]string{o.model}, o.season)
	if err != nil || len(ms) != 1 {
		return usagef("--model %s: %v", o.model, err)
	}
	data, err := series.LoadFile(o.input, series.ReadOptions{Columns: o.columns, Missing: o.missing})
	if err != nil {
		return err
	}
	// One thread, so the process CPU time between two readings is this
	// item's, garbage collection included, as R's system.time counts it.
	runtime.GOMAXPROCS(1)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	fcs := make([][]float64, len(data.Items))
	costs := make([]itemCost, len(data.Items))
	failed := 0
	for i, s := range data.Items {
		if err := ctx.Err(); err != nil {
			return err
		}
		before := processCPU()
		fc, ok := fitForecast(ms[0], s.Values, o.horizon)
		costs[i] = itemCost{s.ID, processCPU() - before}
		if !ok {
			failed++
		}
		fcs[i] = fc
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "fit %s: %d of %d items fell back to naive\n", ms[0].Name(), failed, len(data.Items))
	}
	if err := writeFitForecasts(o.out, ms[0].Name(), data.Items, fcs); err != nil {
		return err
	}
	if o.timings == "" {
		return nil
	}
	return writeFitTimings(o.timings, ms[0].Name(), costs)
}

// fitForecast fits m to the imputed history and forecasts h steps; when
// the model fails it returns the naive forecast and false.
func fitForecast(m models.Model, values []float64, h int) ([]float64, bool) {
	y, _ := series.Impute(values)
	if len(y) == 0 {
		return make([]float64, h), false
	}
	if fit, err := m.Fit(y); err == nil {
		if fc, err := fit.Forecast(h, nil); err == nil && len(fc.Mean) == h {
			return fc.Mean, true
		}
	}
	naive := make([]float64, h)
	for i := range naive {
		naive[i] = y[len(y)-1]
	}
	return naive, false
}

// processCPU is the user and system CPU time the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func writeFitForecasts(path, model string, items []series.Series, fcs [][]float64) error {
	return output.WriteFile(path, func(w io.Writer) error {
		fmt.Fprintln(w, "item_id,step,model,forecast")
		for i, s := range items {
			for step, v := range fcs[i] {
				fmt.Fprintf(w, "%s,%d,%s,%s\n", s.ID, step+1, model, strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
		return nil
	})
}

func writeFitTimings(path, model string, costs []itemCost) error {
	return output.WriteFile(path, func(w io.Writer) error {
		fmt.Fprintln(w, "item_id,model,cpu_seconds")
		for _, c := range costs {
			fmt.Fprintf(w, "%s,%s,%.6f\n", c.id, model, c.cpu.Seconds())
		}
		return nil
	})
}
