package testutil

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package installs the browser
// (apt-get install chromium; .ci/run installs it).
const chromiumPath = "/usr/bin/chromium"

// Browser starts a headless Chromium for the test, width by height pixels,
// and returns a chromedp context driving its first tab; everything ends
// with the test. The test fails, naming the package to install, when
// Chromium is missing: the dashboard's browser tests are not optional.
func Browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := chromiumPath
	if p := os.Getenv("CHROMIUM"); p != "" {
		path = p
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("the browser tests need Chromium at %s (apt-get install -y chromium, or set CHROMIUM): %v", path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.WindowSize(width, height),
		// As root (CI, the e2e machine) Chromium refuses to start with its
		// sandbox; the pages it opens here are our own.
		chromedp.NoSandbox,
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	// Start the browser now, so that a slow start on a loaded machine is
	// not charged to the first step of the test. Not under a timeout: the
	// browser lives as long as the context of this first Run.
	if err := chromedp.Do(ctx); err != nil {
		cancelTab()
		cancelAlloc()
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	return ctx
}
