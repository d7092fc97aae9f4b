package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"
)

// Screenshot writes a PNG of the whole of the tab's page, scrolled or not,
// to the screenshots folder: the folder named by SURVEY_TEST_SCREENSHOTS
// (the file's name then starts with the package's folder, as several
// packages may write there), else testdata/screenshots in the test's
// package, which git ignores. The file is named after the test and name;
// its path is returned. A screenshot that cannot be taken fails t but
// does not stop it.
func Screenshot(t testing.TB, ctx context.Context, name string) string {
	t.Helper()
	dir, prefix := os.Getenv(ScreenshotsEnv), ""
	if dir != "" {
		wd, _ := os.Getwd()
		prefix = filepath.Base(wd) + "_"
	} else {
		dir = filepath.Join("testdata", "screenshots")
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("browsertest: screenshot %s: %v", name, err)
		return ""
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("browsertest: screenshot %s: %v", name, err)
		return ""
	}
	file := filepath.Join(dir, prefix+fileName(t.Name())+"_"+fileName(name)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Errorf("browsertest: screenshot %s: %v", name, err)
		return ""
	}
	return file
}

var unsafeInName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileName makes a test's or a step's name a file name.
func fileName(s string) string { return unsafeInName.ReplaceAllString(s, "-") }
