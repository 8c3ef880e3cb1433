package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationUIContestant: a contestant logs in through the form, reads
// a statement, submits from the text area, and sees the verdict arrive on
// the submission's page without a reload; asks a question and sees the
// answer arrive the same way. Screenshots of the statement and the submit
// page go to the screenshot folder.
func TestIntegrationUIContestant(t *testing.T) {
	p := startPlatform(t)
	ctx := testenv.Browser(t)

	uiLogin(t, ctx, p, "alice", "/contests/demo")
	waitFor(t, ctx, "contest home with a countdown", `document.querySelector('time[data-countdown]') !== null`)
	noUntranslated(t, ctx, "contest home")

	// The challenge list, then the statement: Markdown with a table and code.
	step(t, ctx, "open the challenge list",
		chromedp.Navigate(p.URL+"/contests/demo/challenges"),
		chromedp.WaitVisible(`a[href="/contests/demo/challenges/hello"]`),
	)
	step(t, ctx, "open the statement",
		chromedp.Navigate(p.URL+"/contests/demo/challenges/hello"),
		chromedp.WaitVisible(`article.statement table`),
		chromedp.WaitVisible(`article.statement code`),
		chromedp.WaitVisible(`.attachments a[href$="/attachments/sample.in"]`),
	)
	noUntranslated(t, ctx, "statement")
	shot(t, ctx, "statement")
	// On a long statement the title and the submit button stay in sight.
	if top := eval[float64](t, ctx, `(() => { document.querySelector('article.statement').style.paddingBottom = '3000px';
		window.scrollTo(0, 2000); return document.querySelector('.statement-head').getBoundingClientRect().top; })()`); top < -1 || top > 1 {
		t.Errorf("scrolled down a long statement, its heading is at %.0f px, not stuck at the top", top)
	}
	if !eval[bool](t, ctx, `(() => { const r = document.getElementById('submit-link').getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })()`) {
		t.Error("scrolled down a long statement, the submit button is out of sight")
	}
	eval[bool](t, ctx, `(document.querySelector('article.statement').style.paddingBottom = '', window.scrollTo(0, 0), true)`)
	// The attachment downloads; nothing outside attachments/ does.
	body := eval[string](t, ctx, `fetch('/contests/demo/challenges/hello/attachments/sample.in').then(r => r.text())`)
	if strings.TrimSpace(body) == "" {
		t.Fatal("the attachment is empty")
	}
	status := eval[int](t, ctx, `fetch('/contests/demo/challenges/hello/attachments/..%2fhidden%2ftests%2f1.in').then(r => r.status)`)
	if status != 404 {
		t.Fatalf("hidden file through the attachment route: status %d, want 404", status)
	}

	// The submit page shows the quota; submit the accepted solution as text.
	step(t, ctx, "open the submit page",
		chromedp.Click(`#submit-link`),
		chromedp.WaitVisible(`#submit-form`),
		chromedp.WaitVisible(`.quota[data-quota-for="hello"]`),
	)
	noUntranslated(t, ctx, "submit page")
	step(t, ctx, "fill in the solution", chromedp.SetValue(`#code`, helloAccepted))
	shot(t, ctx, "submit")
	step(t, ctx, "submit", chromedp.Click(`#submit-button`))
	waitFor(t, ctx, "the submission's page", `location.pathname.startsWith('/submissions/demo-') && document.getElementById('sub-detail') !== null`)
	markNoReload(t, ctx)
	waitFor(t, ctx, "the verdict arrives live",
		`document.querySelector('#sub-detail[data-status="done"] .verdict.o-accepted') !== null`)
	assertNoReload(t, ctx, "submission page")
	waitFor(t, ctx, "the submitted notice goes with the verdict", `document.querySelector('main > .notice') === null && !location.search.includes('ok=')`)
	waitFor(t, ctx, "per-test results", `document.querySelectorAll('#sub-detail table.tests tbody tr').length > 0`)
	if n := eval[int](t, ctx, `document.querySelectorAll('pre.source .line').length`); n != strings.Count(helloAccepted, "\n") {
		t.Errorf("source shows %d numbered lines, want %d", n, strings.Count(helloAccepted, "\n"))
	}
	noUntranslated(t, ctx, "submission page")
	shot(t, ctx, "submission")

	// Own submissions list, and the challenge list knows it is solved.
	step(t, ctx, "own submissions",
		chromedp.Navigate(p.URL+"/contests/demo/submissions"),
		chromedp.WaitVisible(`#sub-rows tr .verdict.o-accepted`),
	)
	step(t, ctx, "challenge list status",
		chromedp.Navigate(p.URL+"/contests/demo/challenges"),
		chromedp.WaitVisible(`.own-solved`),
	)

	// Ask a question; the jury's answer appears without a reload.
	step(t, ctx, "ask a question",
		chromedp.Navigate(p.URL+"/contests/demo/clarifications"),
		chromedp.WaitVisible(`#ask-form`),
		chromedp.SetValue(`#ask-question`, "Is the name always one word?"),
		chromedp.Click(`#ask-form button[type=submit]`),
	)
	waitFor(t, ctx, "the question is listed", `document.querySelector('#clar-list li.clar.open') !== null && document.body.innerText.includes('Is the name always one word?')`)
	waitFor(t, ctx, "the live connection is up", `document.querySelector('.live-status') && !document.querySelector('.live-status').classList.contains('offline') && document.querySelector('.live-status').textContent.includes('●')`)
	markNoReload(t, ctx)
	id := eval[int](t, ctx, `Number(document.querySelector('#clar-list li.clar.open').dataset.id)`)
	judge := p.login("judge")
	b, _ := json.Marshal(map[string]any{"answer": "Yes: one word, ASCII letters.", "to_all": false})
	if st := p.do("POST", fmt.Sprintf("/api/contests/demo/clarifications/%d/answer", id), judge, "application/json", bytes.NewReader(b), nil); st != 200 {
		t.Fatalf("answer: status %d", st)
	}
	waitFor(t, ctx, "the answer arrives live", `document.body.innerText.includes('Yes: one word, ASCII letters.')`)
	assertNoReload(t, ctx, "clarifications page")
}
