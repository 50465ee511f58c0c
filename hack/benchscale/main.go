// Command benchscale runs one synthetic dataset through `runner job` as one
// Pod and as an Indexed Job's shards, each shard a process on this machine
// against a real API server (the pinned control plane), and prints each
// process's wall time, CPU time and peak resident memory, the merge's, and
// whether the sharded run's forecasts equal the one-Pod run's. It is run
// by hack/bench-scale.sh, which builds the runner and sets
// KUBEBUILDER_ASSETS.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
	"github.com/forecastrun/forecastrun/runner/job"
)

type config struct {
	runner, dir, file, models string
	shards, horizon           int
	// shardMemLimit is the GOMEMLIMIT each shard of the sharded run gets,
	// as a Pod's memory limit gives one (runner/job sets 90% of it); empty
	// for none.
	shardMemLimit string
	// profiles, when set, is a folder where each process writes its CPU
	// profile (runner job --cpuprofile), named after its run and shard.
	profiles string
}

// usage is one process's cost.
type usage struct {
	name      string
	wall, cpu time.Duration
	rssKB     int64
}

func main() {
	var c config
	flag.StringVar(&c.runner, "runner", "bin/runner", "runner binary")
	flag.StringVar(&c.dir, "dir", "", "work folder holding the dataset file")
	flag.StringVar(&c.file, "file", "sales.csv", "dataset file in --dir")
	flag.StringVar(&c.models, "models", "Naive,SES", `comma-separated models, or "default" for the default set`)
	flag.IntVar(&c.shards, "shards", 16, "shards of the sharded run")
	flag.IntVar(&c.horizon, "horizon", 7, "horizon")
	flag.StringVar(&c.shardMemLimit, "shard-memlimit", "", "GOMEMLIMIT for each shard of the sharded run (e.g. 512MiB); empty for none")
	flag.StringVar(&c.profiles, "profiles", "", "folder for each process's CPU profile (<run>-<index>.pprof, merge.pprof); empty for none")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "benchscale:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	cp, err := testutil.StartControlPlane(c.dir)
	if err != nil {
		return err
	}
	defer cp.Stop()
	k, err := client.New(cp.Config, client.Options{Scheme: testutil.Scheme()})
	if err != nil {
		return err
	}
	one, err := c.oneRun(k, cp.Kubeconfig, "scale-one", 1)
	if err != nil {
		return err
	}
	sharded, err := c.oneRun(k, cp.Kubeconfig, "scale-sharded", c.shards)
	if err != nil {
		return err
	}
	// The merge alone: shard 0 again, which finds every item checkpointed,
	// reads its share, merges every shard's results and writes the files
	// (without the marker of the merge done, it does not leave it).
	if err := os.Remove(filepath.Join(c.dir, "out", "scale-sharded", ".checkpoint", "merged")); err != nil {
		return err
	}
	merge, err := c.shard(cp.Kubeconfig, "scale-sharded", c.shards, 0, "merge")
	if err != nil {
		return err
	}
	merge.name = "merge (shard 0 again)"
	report(c, one, sharded, merge)
	return compare(c.dir)
}

// oneRun creates a run and runs its shards at once, as an Indexed Job's
// Pods on as many nodes would run; the last to finish merges.
func (c config) oneRun(k client.Client, kubeconfig, name string, shards int) (all []usage, err error) {
	run := testutil.MakeForecastRun(name, "default").DatasetClaim("data", c.file).Mode(v1alpha1.ModeFull).
		Horizon(int32(c.horizon)).Parallelism(int32(shards)).Output("results", "runs").Obj()
	if c.models != "default" { // "default" leaves spec.models empty: the operator's default set
		for _, m := range strings.Split(c.models, ",") {
			run.Spec.Models = append(run.Spec.Models, v1alpha1.ModelName(m))
		}
	}
	if err := k.Create(context.Background(), run); err != nil {
		return nil, err
	}
	all = make([]usage, shards)
	errs := make([]error, shards)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range shards {
		wg.Go(func() { all[i], errs[i] = c.shard(kubeconfig, name, shards, i, fmt.Sprintf("%s-%d", name, i)) })
	}
	wg.Wait()
	total := usage{name: name + " (all shards)", wall: time.Since(start)}
	var got v1alpha1.ForecastRun
	if err := k.Get(context.Background(), client.ObjectKeyFromObject(run), &got); err != nil {
		return nil, err
	}
	for _, sh := range got.Status.Shards {
		if strings.HasPrefix(sh.Message, "done:") && int(sh.Index) < shards {
			all[sh.Index].name += " (merged)"
		}
	}
	for i, u := range all {
		if errs[i] != nil {
			return nil, errs[i]
		}
		total.cpu += u.cpu
		total.rssKB = max(total.rssKB, u.rssKB)
	}
	return append(all, total), nil
}

// shard runs `runner job` as the Job's Pod of that index would; profile
// names its CPU profile when there is a folder for them.
func (c config) shard(kubeconfig, name string, shards, index int, profile string) (usage, error) {
	args := []string{"job"}
	if c.profiles != "" {
		args = append(args, "--cpuprofile", filepath.Join(c.profiles, profile+".pprof"))
	}
	cmd := exec.Command(c.runner, args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig,
		job.EnvRunName+"="+name, job.EnvRunNamespace+"=default", job.EnvFencingToken+"=1/bench",
		job.EnvShards+"="+strconv.Itoa(shards), job.EnvCompletionIndex+"="+strconv.Itoa(index),
		job.EnvDatasetFile+"="+filepath.Join(c.dir, c.file), job.EnvOutputDir+"="+filepath.Join(c.dir, "out"))
	if shards > 1 && c.shardMemLimit != "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+c.shardMemLimit)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return usage{}, fmt.Errorf("%s shard %d: %w\n%s", name, index, err, stderr.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	label := fmt.Sprintf("%s shard %d", name, index)
	if shards > 1 && strings.Contains(stderr.String(), "indexed the dataset for the other shards") {
		label += " (indexed)"
	}
	return usage{
		name: label, wall: time.Since(start),
		cpu:   time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		rssKB: ru.Maxrss,
	}, nil
}

func report(c config, one, sharded []usage, merge usage) {
	fmt.Printf("%-34s %9s %9s %9s\n", "process", "wall s", "cpu s", "peak MiB")
	for _, u := range append(append(append([]usage{}, one[:1]...), sharded...), merge) {
		fmt.Printf("%-34s %9.1f %9.1f %9.1f\n", u.name, u.wall.Seconds(), u.cpu.Seconds(), float64(u.rssKB)/1024)
	}
	o, s := one[0], sharded[len(sharded)-1]
	var worst, merging int64
	for _, u := range sharded[:len(sharded)-1] {
		if strings.HasSuffix(u.name, "(merged)") {
			merging = max(merging, u.rssKB)
		} else {
			worst = max(worst, u.rssKB)
		}
	}
	fmt.Printf("\nsharded/one: wall %.2fx, cpu %.2fx; largest shard peak memory %.1f%% of one process's (target < 12.5%%), the merging shard's %.1f%%\n",
		s.wall.Seconds()/o.wall.Seconds(), s.cpu.Seconds()/o.cpu.Seconds(), 100*float64(worst)/float64(o.rssKB), 100*float64(merging)/float64(o.rssKB))
	fmt.Printf("merge alone: wall %.1f s, cpu %.1f s, peak %.1f MiB\n", merge.wall.Seconds(), merge.cpu.Seconds(), float64(merge.rssKB)/1024)
}

// compare checks that the sharded run wrote what the one-Pod run wrote.
func compare(dir string) error {
	for _, f := range []string{"forecasts.csv", "leaderboard.csv"} {
		a, err := os.ReadFile(filepath.Join(dir, "out", "scale-one", f))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(dir, "out", "scale-sharded", f))
		if err != nil {
			return err
		}
		if !bytes.Equal(a, b) {
			return fmt.Errorf("%s differs between the one-Pod run (%d bytes) and the sharded run (%d bytes)", f, len(a), len(b))
		}
		fmt.Printf("%s: identical (%d bytes)\n", f, len(a))
	}
	return nil
}
