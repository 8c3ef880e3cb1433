package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/demo"
	"github.com/skillarena/arena/internal/loadtest"
	"github.com/skillarena/arena/internal/testenv"
)

// largeBoard is how many contestants the large board test adds to the demo.
const largeBoard = 5000

// TestIntegrationUILargeBoard: with 5,000 more contestants the board page
// draws only a window of rows, scrolling draws later ones, a live verdict
// moves carol's row to her new place without a reload, and projector mode
// (F) and auto-scroll (S) work. It logs the time to the first rows.
func TestIntegrationUILargeBoard(t *testing.T) {
	p := startPlatform(t)
	ctx := context.Background()
	var slugs []string
	for _, s := range demo.Challenges {
		if s != "hello" { // carol's verdict on hello must move her
			slugs = append(slugs, s)
		}
	}
	if err := loadtest.SeedBoard(ctx, p.Redis.Client(), demo.ContestID, slugs, largeBoard, 7); err != nil {
		t.Fatal(err)
	}
	total := largeBoard + 3
	if n := len(p.board().Rows); n != total {
		t.Fatalf("the board has %d rows, want %d", n, total)
	}

	tab := testenv.Browser(t)
	step(t, tab, "open the board", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(p.URL+"/contests/demo/board?lang=en"))
	waitFor(t, tab, "the first rows", `document.querySelectorAll('#board-rows tr').length > 0
		&& document.querySelector('#board-rows tr:first-child td.rank').textContent === '1'`)
	first := eval[float64](t, tab, `performance.getEntriesByName('board:first-rows')[0].startTime`)
	fetched := eval[float64](t, tab, `(performance.getEntriesByType('resource').find(e => e.name.includes('/scoreboard')) || {duration: -1}).duration`)
	t.Logf("%d rows: first rows drawn %.0f ms after navigation start (board JSON fetched in %.0f ms)", total, first, fetched)
	waitFor(t, tab, "the board connects", `document.querySelector('.live-status').textContent.includes('●')`)
	if got := eval[string](t, tab, `document.getElementById('board-count').textContent`); got != fmt.Sprintf("%d contestants", total) {
		t.Errorf("count %q, want %d contestants", got, total)
	}
	inDOM := func(where string) int {
		t.Helper()
		n := eval[int](t, tab, `document.querySelectorAll('#board-rows tr').length`)
		if n == 0 || n > 200 {
			t.Fatalf("%s: %d rows in the page, want a window of them (1..200 of %d)", where, n, total)
		}
		return n
	}
	inDOM("at the top")
	if h := eval[int](t, tab, `document.documentElement.scrollHeight`); h < total*30 {
		t.Errorf("the page is %d px high: the spacers do not stand for %d rows", h, total)
	}
	markNoReload(t, tab)

	// Scrolling to the bottom draws the last rows (and no longer the first).
	eval[bool](t, tab, `window.scrollTo(0, document.documentElement.scrollHeight), true`)
	lastID := p.board().Rows[total-1].Contestant.ID
	waitFor(t, tab, "the last rows after scrolling", `document.querySelector('#board-rows tr:last-child').dataset.id === `+jsString(lastID)+`
		&& document.querySelector('#board-rows tr:first-child td.rank').textContent !== '1'`)
	inDOM("at the bottom")

	// carol (no points: near the bottom) solves hello; her row moves up.
	before, _ := p.board().row("carol")
	carol := p.login("carol")
	p.waitDone(carol, p.submit(carol, "hello", helloAccepted), 90*time.Second)
	b := p.board()
	after, _ := b.row("carol")
	if after.Rank >= before.Rank {
		t.Fatalf("carol's rank %d → %d: the verdict did not move her up", before.Rank, after.Rank)
	}
	idx := 0
	for i, r := range b.Rows {
		if r.Contestant.ID == "carol" {
			idx = i
		}
	}
	// Scroll to where she now is: her row is there, with her new rank.
	eval[bool](t, tab, fmt.Sprintf(`(() => {
		const h = document.querySelector('#board-rows tr').getBoundingClientRect().height;
		const top = document.getElementById('board-above').getBoundingClientRect().top + window.scrollY;
		window.scrollTo(0, top + %d * h - window.innerHeight / 2);
		return true;
	})()`, idx))
	waitFor(t, tab, "carol at her new place", fmt.Sprintf(`document.querySelector('tr[data-id="carol"] td.rank')?.textContent === '%d'
		&& document.querySelector('tr[data-id="carol"] td.cell.solved') !== null`, after.Rank))
	assertNoReload(t, tab, "large board")
	inDOM("after the live update")

	// Projector: F switches the big type on (fullscreen, or the class alone
	// where the browser refuses fullscreen); S scrolls by itself.
	eval[bool](t, tab, `window.scrollTo(0, 0), true`)
	step(t, tab, "press F", chromedp.KeyEvent("f"))
	waitFor(t, tab, "projector mode", `document.body.classList.contains('projector')`)
	waitFor(t, tab, "rows drawn in projector mode", `document.querySelector('#board-rows tr:first-child td.rank')?.textContent === '1'`)
	inDOM("in projector mode")
	if eval[string](t, tab, `document.getElementById('autoscroll').getAttribute('aria-pressed')`) != "true" {
		step(t, tab, "press S", chromedp.KeyEvent("s"))
	}
	waitFor(t, tab, "auto-scroll moves the page", `document.getElementById('autoscroll').getAttribute('aria-pressed') === 'true' && window.scrollY > 40`)
	inDOM("while auto-scrolling")
	noUntranslated(t, tab, "large board")
	viewShot(t, tab, "board-large-projector")
}

// viewShot writes what the window shows as NAME.png: a 5,000-row page is
// too high for a full-page screenshot.
func viewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}
