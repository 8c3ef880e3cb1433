package e2e

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationUIJury: a judge reads a wrong answer's expected and actual
// output side by side, steps to the next submission, sets a verdict by
// hand with the override form, starts a rejudge and finds it in the
// rejudge list; the unanswered clarifications drop a question once it is
// answered, live; an organizer reads the contest's statistics as charts.
func TestIntegrationUIJury(t *testing.T) {
	p := startPlatform(t)
	ctx := testenv.Browser(t)
	carol, bob := p.login("carol"), p.login("bob")
	wrong := p.submit(carol, "hello", helloWrong)
	p.waitDone(carol, wrong, 90*time.Second)
	right := p.submit(bob, "hello", helloAccepted)
	p.waitDone(bob, right, 90*time.Second)

	uiLogin(t, ctx, p, "judge", "/submissions/"+wrong)
	waitFor(t, ctx, "the diff of a failed test", `document.querySelector('#sub-detail table.diff tr.differs') !== null`)
	row := eval[[]string](t, ctx, `[...document.querySelector('#sub-detail table.diff tr.differs').cells].map(c => c.textContent)`)
	if len(row) != 2 || !strings.HasPrefix(row[0], "Hello, ") || !strings.HasPrefix(row[1], "Hi, ") {
		t.Fatalf("differing line: %q, want the answer's Hello against the program's Hi", row)
	}
	step(t, ctx, "open the diff", chromedp.Click(`#sub-detail details.test-diff summary`))
	noUntranslated(t, ctx, "submission page (jury)")
	shot(t, ctx, "jury-submission-diff")
	clickThrough(t, ctx, "next submission", `#sub-next`, `location.pathname === '/submissions/`+right+`'`)
	clickThrough(t, ctx, "previous submission", `#sub-prev`, `location.pathname === '/submissions/`+wrong+`'`)

	// The override form sets the verdict and says so.
	step(t, ctx, "fill in the override",
		chromedp.SetValue(`#override-outcome`, "accepted"),
		chromedp.SendKeys(`#override-reason`, "the sample answer was wrong"),
	)
	clickThrough(t, ctx, "override", `#override-form button[type=submit]`, `document.querySelector('#sub-detail .verdict.o-accepted') !== null`)
	if got := p.submission(carol, wrong); got.Outcome != "accepted" {
		t.Fatalf("after the override the API says %s", got.Outcome)
	}

	// A rejudge from the submission page shows in the rejudge list.
	step(t, ctx, "rejudge reason", chromedp.SendKeys(`#rejudge-reason`, "new tests"))
	clickThrough(t, ctx, "start a rejudge", `#rejudge-form button[type=submit]`, `location.pathname.startsWith('/contests/demo/rejudges/')`)
	step(t, ctx, "rejudge list", chromedp.Navigate(p.URL+"/contests/demo/rejudges"), chromedp.WaitVisible(`#rejudges tbody tr`))
	if got := eval[string](t, ctx, `document.querySelector('#rejudges tbody tr').textContent`); !strings.Contains(got, "new tests") {
		t.Fatalf("rejudge list row: %q", got)
	}
	noUntranslated(t, ctx, "rejudge list")

	// The unanswered clarifications: answered ones leave, live.
	var q struct{ ID int64 }
	if st := p.do("POST", "/api/contests/demo/clarifications", carol, "application/json", strings.NewReader(`{"question":"Is the name ASCII?"}`), &q); st != 201 && st != 200 {
		t.Fatalf("ask: %d", st)
	}
	step(t, ctx, "unanswered clarifications", chromedp.Navigate(p.URL+"/contests/demo/clarifications?only=open"),
		chromedp.WaitVisible(fmt.Sprintf(`#clar-%d`, q.ID)))
	waitFor(t, ctx, "the inbox connects", `document.querySelector('.live-status').textContent.includes('●')`)
	markNoReload(t, ctx)
	judge := p.login("judge")
	if st := p.do("POST", fmt.Sprintf("/api/contests/demo/clarifications/%d/answer", q.ID), judge, "application/json",
		bytes.NewReader([]byte(`{"answer":"Yes.","to_all":false}`)), nil); st != 200 {
		t.Fatalf("answer: %d", st)
	}
	waitFor(t, ctx, "the answered question leaves the unanswered list", fmt.Sprintf(`document.getElementById('clar-%d') === null`, q.ID))
	assertNoReload(t, ctx, "unanswered clarifications")

	// The organizer's statistics: three charts and the verdicts table.
	org := newBrowserContext(t, ctx)
	uiLogin(t, org, p, "organizer", "/contests/demo/statistics")
	waitFor(t, org, "three charts with bars and a line", `document.querySelectorAll('svg.chart').length === 3
		&& document.querySelector('#chart-time rect.bar') !== null && document.querySelector('#chart-queue polyline.line') !== null
		&& document.querySelector('#chart-challenges rect.bar').getBoundingClientRect().width > 0`)
	if got := eval[string](t, org, `document.querySelector('#stats-verdicts tr[data-slug="hello"] td[data-outcome="accepted"]').textContent`); got != "2" {
		t.Errorf("hello's accepted count: %q, want 2 (bob's and the overridden one)", got)
	}
	noUntranslated(t, org, "statistics")
	shot(t, org, "statistics")
}
