package controllers

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/forecastrun/forecastrun/api/v1alpha1"
	"github.com/forecastrun/forecastrun/internal/testutil"
)

// benchTicks is how many progress steps of the holder each size measures,
// FORECASTRUN_BENCH_TICKS or 10.
func benchTicks() int32 {
	if n, err := strconv.Atoi(os.Getenv("FORECASTRUN_BENCH_TICKS")); err == nil && n > 0 {
		return int32(n)
	}
	return 10
}

// BenchmarkHolderProgressTick measures what one progress step of a lock's
// holder costs the manager with 10, 100 and 1,000 runs queued behind it:
// its API writes and requests of every verb per step, its CPU per step,
// and its heap and RSS with the runs in its cache. Each size sets up its
// queue once and measures benchTicks steps, so run it with -benchtime=1x
// (hack/bench-controller.sh does, for this tree and another side by side).
// FORECASTRUN_BENCH_QUEUES (say "10,100") picks the sizes,
// FORECASTRUN_BENCH_TICKS the steps measured, and
// FORECASTRUN_BENCH_SETTLE (a duration) bounds how long a queue and a step
// may take to settle before the size is reported as not settling.
func BenchmarkHolderProgressTick(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("queued-%d", n), func(b *testing.B) { benchHolderTicks(b, n) })
	}
}

func benchSizes(b *testing.B) []int {
	spec := os.Getenv("FORECASTRUN_BENCH_QUEUES")
	if spec == "" {
		return []int{10, 100, 1000}
	}
	var sizes []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("FORECASTRUN_BENCH_QUEUES: %q is not a positive number", f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

func benchSettle(b *testing.B) time.Duration {
	d, err := time.ParseDuration(os.Getenv("FORECASTRUN_BENCH_SETTLE"))
	if err != nil {
		return 10 * time.Minute
	}
	return d
}

func benchHolderTicks(b *testing.B, n int) {
	settle := benchSettle(b)
	ns := benchNamespace(b, n)
	var c requestCounter
	// A long Lease keeps renewals out of the steps measured.
	tm := startManager(b, ns, withLease(30*time.Minute), withRequestHook(c.hook))
	b.Cleanup(tm.stopNow)
	create(b, testutil.MakeForecastRun("holder", ns).Horizon(1).Obj())
	holder := waitPhase(b, ns, "holder", v1alpha1.PhaseRunning)
	waitJob(b, ns, "holder-runner")
	const total = 1_000_000
	reportShard(b, ns, "holder", 0, 1, total, holder.Status.FencingToken)

	setupStart, setupReq := time.Now(), c.snapshot()
	createQueued(b, ns, n)
	if err := waitQueued(ns, n, settle); err != nil {
		b.Fatalf("%d runs queued behind a holder did not settle within %s: %v", n, settle, err)
	}
	if !c.quietFor(2*time.Second, settle) {
		b.Fatalf("the manager kept sending requests %s after %d runs were queued", settle, n)
	}
	setup := c.snapshot().minus(setupReq)
	b.Logf("queued=%d: setting up took %s and %d manager writes (%d requests)", n, time.Since(setupStart).Round(time.Second), setup.writes, setup.all)

	ticks := benchTicks()
	b.ResetTimer()
	var cost requests
	var cpu time.Duration
	for k := int32(1); k <= ticks; k++ {
		before, cpu0 := c.snapshot(), processCPU()
		reportShard(b, ns, "holder", 0, k*1000, total, holder.Status.FencingToken)
		if err := waitProgress(ns, "holder", k*1000, settle); err != nil {
			b.Fatal(err)
		}
		if !c.quietFor(time.Second, settle) {
			b.Fatalf("queued=%d: the manager was still busy %s after progress step %d", n, settle, k)
		}
		// The quiet second is idle time, not the step's: CPU is counted
		// up to the last request.
		cpu += processCPU() - cpu0
		cost = cost.plus(c.snapshot().minus(before))
	}
	b.StopTimer()
	heap, rss := memoryNow()
	b.ReportMetric(float64(cost.writes)/float64(ticks), "writes/tick")
	b.ReportMetric(float64(cost.all)/float64(ticks), "requests/tick")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(ticks), "cpu-ms/tick")
	b.ReportMetric(heap, "heap-MiB")
	b.ReportMetric(rss, "rss-MiB")
	b.ReportMetric(float64(setup.writes), "setup-writes")
}

// benchNamespace creates a namespace without the garbage collector the
// tests play (newNamespace): it lists the namespace in this process, whose
// CPU is counted as the manager's.
func benchNamespace(b *testing.B, n int) string {
	ns := fmt.Sprintf("bench-queued-%d-%d", n, nsCounter.Add(1))
	if err := k8sClient.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
		b.Fatalf("creating namespace %s: %v", ns, err)
	}
	return ns
}

// createQueued creates n runs that differ in their data (so none is a
// duplicate of another) behind the holder, four at a time.
func createQueued(b *testing.B, ns string, n int) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			create(b, testutil.MakeForecastRun(fmt.Sprintf("queued-%04d", i), ns).Synthetic(50, 120, int64(i+2)).Obj())
		})
	}
	wg.Wait()
}

// waitQueued waits until n runs are Queued with a position.
func waitQueued(ns string, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var list v1alpha1.ForecastRunList
		if err := k8sClient.List(context.Background(), &list, client.InNamespace(ns)); err != nil {
			return err
		}
		queued := 0
		for _, r := range list.Items {
			if r.Status.Phase == v1alpha1.PhaseQueued && r.Status.QueuePosition != nil && int(*r.Status.QueuePosition) <= n {
				queued++
			}
		}
		if queued == n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d queued", queued, n)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func waitProgress(ns, name string, done int32, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := progressIs(ns, name, done, 1_000_000)()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// requestCounter counts a manager's API requests: all of them and the
// writes, and when it sent the last one.
type requestCounter struct {
	mu   sync.Mutex
	n    requests
	last time.Time
	// writeLog is every write, "PATCH forecastruns/status", for messages.
	writeLog []string
}

type requests struct{ writes, all int64 }

func (r requests) minus(o requests) requests { return requests{r.writes - o.writes, r.all - o.all} }
func (r requests) plus(o requests) requests  { return requests{r.writes + o.writes, r.all + o.all} }

func (c *requestCounter) hook(req *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n.all++
	switch req.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		c.n.writes++
		c.writeLog = append(c.writeLog, req.Method+" "+resourceOf(req.URL.Path))
	}
	c.last = time.Now()
}

// writesSince lists the writes after the first n.
func (c *requestCounter) writesSince(n int64) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.writeLog[n:]...)
}

func (c *requestCounter) snapshot() requests {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// quietFor waits until the manager has sent nothing for d; false when that
// does not happen within timeout.
func (c *requestCounter) quietFor(d, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		idle := time.Since(c.last)
		c.mu.Unlock()
		if idle >= d {
			return true
		}
		time.Sleep(d / 10)
	}
	return false
}

// processCPU is the CPU time this process (the manager, and the little the
// benchmark itself does) has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// memoryNow is the heap in use after a collection, and the resident set of
// the process, in MiB.
func memoryNow() (heap, rss float64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	heap = float64(ms.HeapInuse) / (1 << 20)
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return heap, 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			rss = kb / 1024
		}
	}
	return heap, rss
}
