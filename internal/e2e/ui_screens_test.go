package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationUIScreens: the board as a projector shows it at 1280×720
// and at 1080p, and the board, the submit form and a submission's tests as
// a phone shows them, each measured in the browser and photographed.
func TestIntegrationUIScreens(t *testing.T) {
	p := startPlatform(t)
	carol := p.login("carol")
	p.waitDone(carol, p.submit(carol, "hello", helloAccepted), 90*time.Second)
	bob := p.login("bob")
	wrong := p.submit(bob, "hello", helloWrong)
	p.waitDone(bob, wrong, 90*time.Second)

	ctx := testenv.Browser(t)
	// projector opens the board in projector mode at w×h and returns the
	// root font size it chose.
	projector := func(w, h int64) float64 {
		t.Helper()
		step(t, ctx, fmt.Sprintf("the projector board at %d×%d", w, h),
			chromedp.EmulateViewport(w, h),
			chromedp.Navigate(p.URL+"/contests/demo/board?projector=1&lang=en"),
			chromedp.WaitVisible(`tr[data-id="carol"] td.cell.solved`),
		)
		waitFor(t, ctx, "projector mode", `document.body.classList.contains('projector')`)
		time.Sleep(300 * time.Millisecond)
		if over := eval[int](t, ctx, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
			t.Errorf("%d×%d: the page is %d px wider than the screen", w, h, over)
		}
		if right := eval[float64](t, ctx, `Math.max(...[...document.querySelectorAll('table.standings th')].map(th => th.getBoundingClientRect().right))`); right > float64(w) {
			t.Errorf("%d×%d: the last column ends at %.0f px, off the screen", w, h, right)
		}
		if cut := eval[int](t, ctx, `document.querySelector('.table-scroll').scrollWidth - document.querySelector('.table-scroll').clientWidth`); cut > 0 {
			t.Errorf("%d×%d: the board scrolls sideways by %d px", w, h, cut)
		}
		if eval[bool](t, ctx, `getComputedStyle(document.querySelector('header.site')).display !== 'none'`) {
			t.Errorf("%d×%d: the site header shows in projector mode", w, h)
		}
		width := eval[float64](t, ctx, `document.querySelector('table.standings').getBoundingClientRect().width`)
		if width < 0.9*float64(w) {
			t.Errorf("%d×%d: the board is %.0f px wide, under 90%% of the screen", w, h, width)
		}
		noUntranslated(t, ctx, "projector board")
		viewShot(t, ctx, fmt.Sprintf("board-projector-%dx%d", w, h))
		return eval[float64](t, ctx, `parseFloat(getComputedStyle(document.querySelector('#board-rows td.who')).fontSize)`)
	}
	small := projector(1280, 720)
	large := projector(1920, 1080)
	t.Logf("projector type: %.1f px at 1280×720, %.1f px at 1920×1080", small, large)
	if large < 19 || large < small*1.3 {
		t.Errorf("the type at 1080p is %.1f px (at 720p %.1f px): want it larger than a desktop's 16 px and 720p's", large, small)
	}

	// The English board on a laptop, as a judge sees it: the header on
	// one line above the table, its tools to the right.
	uiLogin(t, ctx, p, "judge", "/contests/demo/board")
	step(t, ctx, "the English jury board at 1280×800", chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(p.URL+"/contests/demo/board?lang=en"), chromedp.WaitVisible(`tr[data-id="carol"] td.cell.solved`))
	if !eval[bool](t, ctx, `(() => { const h = document.querySelector('.board-head h1').getBoundingClientRect();
		const b = document.querySelector('.board-tools').getBoundingClientRect(); return b.top < h.bottom && b.bottom > h.top; })()`) {
		t.Error("the English board's tools do not fit beside its title at 1280 px")
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll('.legend .cell')].filter(c => c.getBoundingClientRect().height > 40).length`); n > 0 {
		t.Errorf("%d legend samples wrap onto two lines", n)
	}
	shot(t, ctx, "board-jury-en")

	// A phone: no projector buttons; rank and name stay while the
	// challenges scroll sideways under them.
	phone := newBrowserContext(t, ctx)
	step(t, phone, "the board on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(p.URL+"/contests/demo/board"),
		chromedp.WaitVisible(`tr[data-id="carol"] td.cell.solved`),
	)
	if over := eval[int](t, phone, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("phone: the board page is %d px wider than the screen", over)
	}
	if eval[bool](t, phone, `['fullscreen', 'autoscroll'].some(id => document.getElementById(id).getClientRects().length > 0)`) {
		t.Error("phone: the projector buttons show")
	}
	before := eval[[]float64](t, phone, `(() => { const r = document.querySelector('tr[data-id="carol"]');
		return ['td.rank', 'td.who', 'td.cell:last-child'].map(s => r.querySelector(s).getBoundingClientRect().left); })()`)
	moved := eval[float64](t, phone, `(() => { const s = document.querySelector('.table-scroll'); s.scrollLeft = 200; return s.scrollLeft; })()`)
	if moved < 50 {
		t.Fatalf("phone: the board scrolls sideways by %.0f px only: nothing to test", moved)
	}
	time.Sleep(200 * time.Millisecond)
	after := eval[[]float64](t, phone, `(() => { const r = document.querySelector('tr[data-id="carol"]');
		return ['td.rank', 'td.who', 'td.cell:last-child'].map(s => r.querySelector(s).getBoundingClientRect().left); })()`)
	if after[0] != before[0] || after[1] != before[1] {
		t.Errorf("phone: rank and name moved with the scroll (left %v → %v)", before[:2], after[:2])
	}
	if after[2] >= before[2] {
		t.Errorf("phone: the challenges did not scroll (%v → %v)", before[2], after[2])
	}
	if gap := eval[float64](t, phone, `(() => { const r = document.querySelector('tr[data-id="carol"]');
		return r.querySelector('td.who').getBoundingClientRect().left - r.querySelector('td.rank').getBoundingClientRect().right; })()`); gap < -1 {
		t.Errorf("phone: the name overlaps the rank by %.0f px", -gap)
	}
	viewShot(t, phone, "board-phone-scrolled")

	// The submit form and a submission's tests fit the phone's width.
	uiLogin(t, phone, p, "bob", "/contests/demo/submit")
	step(t, phone, "the submit form", chromedp.WaitVisible(`#submit-form`))
	if over := eval[int](t, phone, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
		t.Errorf("phone: the submit page is %d px wider than the screen", over)
	}
	if right := eval[float64](t, phone, `Math.max(...[...document.querySelectorAll('#submit-form, #submit-form select, #submit-form input, #submit-form textarea, #submit-form fieldset')].map(e => e.getBoundingClientRect().right))`); right > 390 {
		t.Errorf("phone: the submit form reaches %.0f px, past the 390-px screen", right)
	}
	shot(t, phone, "submit-phone")
	step(t, phone, "a rejected submission", chromedp.Navigate(p.URL+"/submissions/"+wrong), chromedp.WaitVisible(`#sub-detail table.tests`))
	msg := eval[[]float64](t, phone, `(() => { const c = document.querySelector('#sub-detail table.tests td.detail-cell');
		const r = c.getBoundingClientRect(); return [r.left, r.right, c.textContent.trim().length]; })()`)
	if msg[2] == 0 {
		t.Error("phone: the rejected test shows no message")
	} else if msg[0] < 0 || msg[1] > 390 {
		t.Errorf("phone: the test's message lies at %.0f..%.0f px, outside the 390-px screen", msg[0], msg[1])
	}
	shot(t, phone, "submission-phone")
}
