package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationUIReveal: after the contest, the organizer reveals the
// frozen results one by one from the dashboard, and every open public board
// follows each step live, until the board is unfrozen.
func TestIntegrationUIReveal(t *testing.T) {
	p := startPlatform(t)
	setTimes(t, p, map[string]any{"freeze": time.Now().Add(-2 * time.Minute).UTC().Format(time.RFC3339)})
	for user, code := range map[string]string{"alice": helloWrong, "bob": helloAccepted, "carol": helloAccepted} {
		tok := p.login(user)
		p.waitDone(tok, p.submit(tok, "hello", code), 90*time.Second)
	}
	setTimes(t, p, map[string]any{"end": time.Now().Add(-time.Second).UTC().Format(time.RFC3339)})

	ctx := testenv.Browser(t)
	// Two boards: a spectator's, and one in the organizer's browser.
	boards := []boardTab{{"spectator", newBrowserContext(t, ctx)}, {"organizer's tab", nil}}
	uiLogin(t, ctx, p, "organizer", "/contests/demo/admin")
	boards[1].ctx = newTab(t, ctx)
	for _, b := range boards {
		step(t, b.ctx, "open the public board in the "+b.name,
			chromedp.Navigate(p.URL+"/contests/demo/board?view=public"),
			chromedp.WaitVisible(`#frozen-banner`),
		)
		waitFor(t, b.ctx, b.name+": three pending cells", `document.querySelectorAll('#board-rows td.cell.pending').length === 3`)
		waitFor(t, b.ctx, b.name+": connected", `document.querySelector('.live-status').textContent.includes('●')`)
		markNoReload(t, b.ctx)
	}
	shot(t, boards[0].ctx, "board-before-reveal")

	for left := 2; left >= 0; left-- {
		step(t, ctx, "reveal the next result", chromedp.WaitVisible(`#reveal-next`))
		eval[bool](t, ctx, `window.__oldPage = true`)
		step(t, ctx, "reveal the next result", chromedp.Click(`#reveal-next`))
		waitFor(t, ctx, "the dashboard confirms", `!window.__oldPage && new URLSearchParams(location.search).get('ok') === 'revealed'
			&& document.readyState === 'complete' && document.getElementById('revealed') !== null`)
		for _, b := range boards {
			waitFor(t, b.ctx, fmt.Sprintf("%s: %d pending after the reveal", b.name, left),
				fmt.Sprintf(`document.querySelectorAll('#board-rows td.cell.pending').length === %d`, left))
		}
	}
	// Revealing the last leaves the board unfrozen.
	eval[bool](t, ctx, `window.__oldPage = true`)
	step(t, ctx, "finish the reveal", chromedp.Click(`#reveal-next`))
	waitFor(t, ctx, "the dashboard says all is revealed", `!window.__oldPage && new URLSearchParams(location.search).get('ok') === 'reveal_done'`)
	for _, b := range boards {
		waitFor(t, b.ctx, b.name+": the board is unfrozen", `document.getElementById('frozen-banner').hidden === true`)
		waitFor(t, b.ctx, b.name+": carol and bob lead", `['bob', 'carol'].includes(document.querySelector('#board-rows tr:first-child').dataset.id)
			&& document.querySelector('#board-rows tr:first-child td.total').textContent === '100'
			&& document.querySelector('tr[data-id="alice"] td.cell.tried') !== null`)
		assertNoReload(t, b.ctx, b.name)
	}
	shot(t, boards[0].ctx, "board-after-reveal")
}

// boardTab is one open board.
type boardTab struct {
	name string
	ctx  context.Context
}
