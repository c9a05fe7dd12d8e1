package browsertest_test

import (
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/buyin/playbook/internal/browsertest"
)

func TestStartOpensAPageOfTheSizeAsked(t *testing.T) {
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("BUYIN_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is not installed: apt-get install -y chromium")
		}
		t.Skip("chromium is not installed")
	}
	ctx := browsertest.Start(t, path, 640, 480, time.Minute)
	var width int
	if err := chromedp.Run(ctx, chromedp.Navigate("about:blank"), chromedp.Evaluate(`window.innerWidth`, &width)); err != nil {
		t.Fatal(err)
	}
	if width != 640 {
		t.Errorf("window width %d, want 640", width)
	}
}
