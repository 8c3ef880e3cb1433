package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationBoardPage: the board page in headless Chromium shows a new
// verdict without a reload.
func TestIntegrationBoardPage(t *testing.T) {
	p := startPlatform(t)
	ctx := testenv.Browser(t)
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/contests/demo/board?lang=en"),
		chromedp.WaitVisible(`tr[data-id="carol"]`),
		chromedp.WaitVisible(`#board-status:not(.offline)`),
	)
	if err != nil {
		t.Fatalf("open board: %v", err)
	}
	// Anything set on window is lost if the page reloads.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__noReload = 42`)); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil || title == "" {
		t.Fatalf("board page title %q, %v", title, err)
	}

	carol := p.login("carol")
	sid := p.submit(carol, "hello", helloAccepted)
	p.waitDone(carol, sid, 60*time.Second)

	if err := chromedp.Do(ctx, chromedp.WaitVisible(`tr[data-id="carol"] td.cell.solved`)); err != nil {
		t.Fatalf("wait for the verdict on the page: %v", err)
	}
	first, err := chromedp.Run(ctx, chromedp.Text(`#board-rows tr:first-child td.who`))
	if err != nil {
		t.Fatal(err)
	}
	score, err := chromedp.Run(ctx, chromedp.Text(`tr[data-id="carol"] td.total`))
	if err != nil {
		t.Fatal(err)
	}
	marker, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.__noReload`))
	if err != nil {
		t.Fatal(err)
	}
	if marker != 42 {
		t.Fatal("the page reloaded; it must update in place")
	}
	if first != "Carol" || score != "100" {
		t.Fatalf("first row %q with carol's total %q; want Carol with 100", first, score)
	}
	if dir := os.Getenv("ARENA_SCREENSHOTS"); dir != "" {
		time.Sleep(600 * time.Millisecond) // let the rank animation finish
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "board.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
