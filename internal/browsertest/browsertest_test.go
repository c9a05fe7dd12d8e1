package browsertest_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/buyin/playbook/internal/browsertest"
)

func TestStartOpensAPageOfTheSizeAsked(t *testing.T) {
	path := browsertest.Need(t, "chromium", "apt-get install -y chromium")
	ctx := browsertest.Start(t, path, 640, 480, time.Minute)
	var width int
	if err := chromedp.Run(ctx, chromedp.Navigate("about:blank"), chromedp.Evaluate(`window.innerWidth`, &width)); err != nil {
		t.Fatal(err)
	}
	if width != 640 {
		t.Errorf("window width %d, want 640", width)
	}
}
