package e2e

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
)

// setTimes changes the demo contest's times through the organizer API.
func setTimes(t *testing.T, p *platform, times map[string]any) {
	t.Helper()
	org := p.login("organizer")
	times["reason"] = "test"
	b, _ := json.Marshal(times)
	if st := p.do("PATCH", "/api/contests/demo/times", org, "application/json", bytes.NewReader(b), nil); st != 200 {
		t.Fatalf("set times %v: status %d", times, st)
	}
}

// TestIntegrationUIJudgeBoard: the judge's live board moves a contestant up
// when their verdict arrives; after a freeze, the public board (as the hall's
// projector shows it) keeps later results pending while the live board
// shows them.
func TestIntegrationUIJudgeBoard(t *testing.T) {
	p := startPlatform(t)
	ctx := testenv.Browser(t)
	uiLogin(t, ctx, p, "judge", "/contests/demo/board")
	waitFor(t, ctx, "the live board connects", `document.querySelector('.live-status').textContent.includes('●')`)
	markNoReload(t, ctx)
	if first := eval[string](t, ctx, `document.querySelector('#board-rows tr:first-child').dataset.id`); first == "carol" {
		t.Fatal("carol leads before submitting anything")
	}
	// Every registered contestant is listed before submitting anything, all
	// sharing one rank; the footer counts no one on hello yet; the contest
	// clock ticks.
	if ranks := eval[[]string](t, ctx, `[...document.querySelectorAll('#board-rows tr')].map(r => r.dataset.id + ':' + r.querySelector('td.rank').textContent).sort()`); len(ranks) != 3 || ranks[0] != "alice:1" || ranks[1] != "bob:1" || ranks[2] != "carol:1" {
		t.Fatalf("rows before any submission: %v, want alice, bob and carol, rank 1 each", ranks)
	}
	if got := eval[string](t, ctx, `document.querySelector('#board-stats td.stat[data-slug="hello"]').textContent`); got != "0 / 0" {
		t.Fatalf("hello's solved/tried before any submission: %q", got)
	}
	clock0 := eval[string](t, ctx, `document.getElementById('board-clock').textContent`)
	waitFor(t, ctx, "the contest clock ticks", `document.getElementById('board-clock').textContent !== `+strconv.Quote(clock0))

	carol := p.login("carol")
	p.waitDone(carol, p.submit(carol, "hello", helloAccepted), 90*time.Second)
	waitFor(t, ctx, "carol moves to the top", `document.querySelector('#board-rows tr:first-child').dataset.id === 'carol'
		&& document.querySelector('#board-rows tr:first-child td.cell.solved.first') !== null
		&& document.querySelector('#board-rows tr:first-child td.rank').textContent === '1'`)
	waitFor(t, ctx, "hello's footer counts carol", `document.querySelector('#board-stats td.stat[data-slug="hello"]').textContent === '1 / 1'`)
	assertNoReload(t, ctx, "live board")

	// Freeze the board a minute ago: the boards reload their rows in place.
	setTimes(t, p, map[string]any{"freeze": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)})
	public := newTab(t, ctx)
	step(t, public, "open the public board",
		chromedp.Navigate(p.URL+"/contests/demo/board?view=public"),
		chromedp.WaitVisible(`#frozen-banner`),
	)
	waitFor(t, public, "the public board connects", `document.querySelector('.live-status').textContent.includes('●')`)
	markNoReload(t, public)

	// Bob solves after the freeze: pending on the public board; on the live
	// board solved, up with carol (same total; behind her unless both came in
	// the same second) and above alice.
	bob := p.login("bob")
	p.waitDone(bob, p.submit(bob, "hello", helloAccepted), 90*time.Second)
	waitFor(t, public, "bob's cell is pending on the public board",
		`document.querySelector('tr[data-id="bob"] td.cell.pending') !== null && document.querySelector('tr[data-id="bob"] td.total').textContent === '0'`)
	waitFor(t, ctx, "bob's result is live for the jury",
		`document.querySelector('tr[data-id="bob"] td.cell.solved') !== null && document.querySelector('tr[data-id="bob"] td.total').textContent === '100'
		&& [...document.querySelectorAll('#board-rows tr')].findIndex(r => r.dataset.id === 'bob') < 2`)
	// The freeze came before both results: the public footer counts two tries, no solve.
	waitFor(t, public, "the public footer counts carol and bob as trying, not solving", `document.querySelector('#board-stats td.stat[data-slug="hello"]').textContent === '0 / 2'`)
	waitFor(t, ctx, "the live footer counts bob solving", `document.querySelector('#board-stats td.stat[data-slug="hello"]').textContent === '2 / 2'`)
	assertNoReload(t, public, "public board")
	assertNoReload(t, ctx, "live board after the freeze")
	noUntranslated(t, public, "public board")
	time.Sleep(700 * time.Millisecond) // let the rank animation end before the picture
	shot(t, public, "board-public-frozen")
	shot(t, ctx, "board-jury")

	// On a phone the board stays readable: the table scrolls sideways, the page does not.
	step(t, public, "phone-sized window", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)), chromedp.Reload(), chromedp.WaitVisible(`#board-rows`))
	if w := eval[int](t, public, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the board page is %d px wider than a phone", w)
	}
	shot(t, public, "board-phone")
}
