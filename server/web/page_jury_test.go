package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/submission"
)

// TestIntegrationSubmissionPageForTheJury: the jury sees a failed test's
// expected answer against the program's output as a diff, the contestant's
// name, the neighbouring submissions and the override form, which sets the
// verdict with a reason into the audit log; the contestant sees none of it.
func TestIntegrationSubmissionPageForTheJury(t *testing.T) {
	f := newFixture(t, time.Now())
	first := f.Submit(t, "ann", "print(1)")
	f.Grade(t, verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100, Tests: []verdict.Test{
		{Name: "t1", Outcome: verdict.Accepted},
		{Name: "t2", Outcome: verdict.WrongAnswer, Message: "line 2 differs", Stdout: "1\nsecret-out\n3\n", Expected: "1\nsecret-ans\n3\n"},
	}})
	second := f.Submit(t, "ben", "print(2)")
	third := f.Submit(t, "ann", "print(3)")

	_, body, _ := f.page(t, "/submissions/"+second, "jury", "en")
	mustContain(t, "the middle submission", body, `href="/submissions/`+first+`" rel="prev"`, `href="/submissions/`+third+`" rel="next"`,
		">Ben</a>", `id="override-form"`)
	_, body, _ = f.page(t, "/submissions/"+first, "jury", "en")
	mustContain(t, "the wrong answer", body, "Expected and actual output", `<tr class="differs"><td><code>secret-ans</code></td><td><code>secret-out</code></td></tr>`,
		`<tr class="same"><td><code>3</code></td><td><code>3</code></td></tr>`, ">Ann</a>")
	if strings.Contains(body, `rel="prev"`) {
		t.Error("the first submission links to one before it")
	}
	_, body, _ = f.page(t, "/submissions/"+first, "ann", "en")
	if strings.Contains(body, "secret-") || strings.Contains(body, `id="override-form"`) || strings.Contains(body, `rel="next"`) {
		t.Fatalf("the contestant sees the jury's parts: %.3000s", visibleText(body))
	}

	// The override form: a reason is required, then the verdict changes and is audited.
	status, _, body := f.postForm(t, "/submissions/"+first+"/override", "jury", url.Values{"outcome": {"accepted"}, "reason": {" "}})
	if status != 400 || !strings.Contains(body, `id="override-form"`) {
		t.Fatalf("no reason: %d %.500s", status, visibleText(body))
	}
	status, _, _ = f.postForm(t, "/submissions/"+first+"/override", "ann", url.Values{"outcome": {"accepted"}, "reason": {"mine"}})
	if status != 403 {
		t.Fatalf("a contestant overrides: %d, want 403", status)
	}
	status, loc, _ := f.postForm(t, "/submissions/"+first+"/override", "jury", url.Values{"outcome": {"accepted"}, "score": {""}, "reason": {"checker bug"}})
	if status != 303 || loc != "/submissions/"+first+"?ok=overridden" {
		t.Fatalf("override: %d to %q", status, loc)
	}
	sub, err := f.Subs.Get(context.Background(), first)
	if err != nil || sub.Outcome != "accepted" || sub.Score != 100 || sub.Override != "checker bug" {
		t.Fatalf("after the override: %+v %v", sub, err)
	}
	entries, err := f.Audit.List(context.Background(), "run", 10)
	if err != nil || len(entries) == 0 || entries[0].Action != "submission.override" || entries[0].Who != "jury" {
		t.Fatalf("audit: %+v %v", entries, err)
	}
}

// TestIntegrationClarificationInboxUnanswered: ?only=open lists only the
// questions waiting for an answer; an answered question's form is folded.
func TestIntegrationClarificationInboxUnanswered(t *testing.T) {
	f := newFixture(t, time.Now())
	for _, q := range []string{"first question?", "second question?"} {
		if st, _, _ := f.postForm(t, "/contests/run/clarifications", "ann", url.Values{"question": {q}}); st != 303 {
			t.Fatalf("ask: %d", st)
		}
	}
	items, err := f.Clarifications.List(context.Background(), "run", "jury", true)
	if err != nil || len(items) != 2 {
		t.Fatalf("clarifications: %v %v", items, err)
	}
	var firstID int64
	for _, it := range items {
		if it.Question == "first question?" {
			firstID = it.ID
		}
	}
	if st, _, _ := f.postForm(t, "/contests/run/clarifications/"+strconv.FormatInt(firstID, 10)+"/answer", "jury", url.Values{"answer": {"yes"}, "to_all": {"0"}}); st != 303 {
		t.Fatalf("answer: %d", st)
	}
	_, body, _ := f.page(t, "/contests/run/clarifications", "jury", "en")
	mustContain(t, "the whole inbox", body, "first question?", "second question?", `<details class="answered">`, "Unanswered (1)", "asked by Ann")
	if strings.Count(body, `<details class="answered">`) != 1 {
		t.Errorf("want one folded answer form")
	}
	_, body, _ = f.page(t, "/contests/run/clarifications?only=open", "jury", "en")
	mustContain(t, "unanswered", body, "second question?", `data-only="open"`)
	if strings.Contains(body, "first question?") {
		t.Error("the answered question is listed among the unanswered")
	}
	_, body, _ = f.page(t, "/contests/run/clarifications?only=open", "ann", "en")
	mustContain(t, "the contestant's page", body, "first question?", "second question?")
}

// TestIntegrationRejudgeList lists the contest's rejudges, only for its jury.
func TestIntegrationRejudgeList(t *testing.T) {
	f := newFixture(t, time.Now())
	sid := f.Submit(t, "ann", "print(1)")
	f.Grade(t, accepted())
	_, body, _ := f.page(t, "/contests/run/rejudges", "jury", "en")
	mustContain(t, "no rejudges", body, "No rejudges yet.")
	st, loc, _ := f.postForm(t, "/contests/run/rejudges", "jury", url.Values{"submissions": {sid}, "reason": {"new tests"}})
	if st != 303 {
		t.Fatalf("rejudge: %d", st)
	}
	rid := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/contests/run/rejudges/")
	_, body, _ = f.page(t, "/contests/run/rejudges", "jury", "zh")
	mustContain(t, "one rejudge", body, `href="/contests/run/rejudges/`+rid+`"`, "new tests", "0 / 1")
	_, body, _ = f.page(t, "/contests/run/rejudges/"+rid, "jury", "en")
	mustContain(t, "the rejudge", body, "<td>Ann</td>")
	for user, want := range map[string]int{"ann": 403, "jury2": 403, "org": 200} {
		if st, _, _ := f.page(t, "/contests/run/rejudges", user, "en"); st != want {
			t.Errorf("%s: %d, want %d", user, st, want)
		}
	}
}

// TestIntegrationSubmissionFeedPages: the jury's feed shows names, pages
// through older submissions, and finds a contestant by name or a
// submission by its id; a live row past the page's end is not shown.
func TestIntegrationSubmissionFeedPages(t *testing.T) {
	f := newFixture(t, time.Now())
	var sids []string
	for i := 0; i < 103; i++ {
		user := "ann"
		if i%2 == 1 {
			user = "ben"
		}
		sub, err := f.Subs.Submit(context.Background(), submission.New{Contest: "run", Challenge: "hello", Contestant: user,
			Language: "python3", Blob: strings.Repeat("b", 64), MaxScore: 100})
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, sub.ID)
	}
	_, body, _ := f.page(t, "/contests/run/submissions", "jury", "en")
	if n := strings.Count(body, `class="sub-row"`); n != 100 {
		t.Fatalf("first page: %d rows, want 100", n)
	}
	mustContain(t, "first page", body, `Ann <small class="muted">ann</small>`, `id="subs-older"`, `>Ann (ann)</option>`)
	older := regexp.MustCompile(`href="([^"]+)" id="subs-older"`).FindStringSubmatch(body)
	_, body, _ = f.page(t, strings.ReplaceAll(older[1], "&amp;", "&"), "jury", "en")
	if n := strings.Count(body, `class="sub-row"`); n != 3 || !strings.Contains(body, `/submissions/`+sids[0]+`"`) || strings.Contains(body, `id="subs-older"`) {
		t.Fatalf("second page: %d rows: %.2000s", n, visibleText(body))
	}
	mustContain(t, "second page", body, `id="subs-newest"`)

	_, body, _ = f.page(t, "/contests/run/submissions?q=BE", "jury", "en")
	if n := strings.Count(body, `class="sub-row"`); n != 51 || strings.Contains(body, ">Ann <small") {
		t.Fatalf("search for ben by name: %d rows", n)
	}
	_, body, _ = f.page(t, "/contests/run/submissions?q="+sids[10], "jury", "en")
	if !strings.Contains(body, `<a href="/submissions/`+sids[10]+`">`) || strings.Contains(body, `/submissions/`+sids[11]+`"`) {
		t.Fatalf("search by id does not start at %s", sids[10])
	}
	// The live module's row of a newer submission does not belong on an older page.
	status, _, _ := f.page(t, "/submissions/"+sids[102]+"?fragment=row&before=50", "jury", "")
	if status != 204 {
		t.Fatalf("a newer row on an older page: %d, want 204", status)
	}
}

// TestIntegrationAuditLogPages: imports, announcements and answers to
// everyone are in the audit log, named by who did them; the log pages
// through older entries, searches, and refuses a page id that is not one.
func TestIntegrationAuditLogPages(t *testing.T) {
	f := newFixture(t, time.Now())
	ctx := context.Background()
	if st, _, body := f.postForm(t, "/contests/run/import", "org", url.Values{"action": {"import"}, "prefix": {"imp"},
		"text": {"name,id_number\nCarol,110105199501010033\n"}}); st != 201 || !strings.Contains(body, "imp") {
		t.Fatalf("import: %d %.500s", st, visibleText(body))
	}
	if st, _, _ := f.postForm(t, "/contests/run/announcements", "jury", url.Values{"text": {"Sample 2 is fixed"}}); st != 303 {
		t.Fatalf("announce: %d", st)
	}
	for i := 0; i < 120; i++ {
		if err := f.Audit.Append(ctx, "run", audit.Entry{Who: "jury", Action: "rejudge.start", Target: "r" + strconv.Itoa(i), Reason: "batch " + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, body, _ := f.page(t, "/contests/run/audit", "org", "en")
	if n := strings.Count(body, "batch "); n != 100 {
		t.Fatalf("first page: %d entries, want 100", n)
	}
	older := regexp.MustCompile(`href="([^"]+)" id="audit-older"`).FindStringSubmatch(body)
	if older == nil {
		t.Fatal("no link to older entries")
	}
	_, body, _ = f.page(t, strings.ReplaceAll(older[1], "&amp;", "&"), "org", "en")
	mustContain(t, "second page", body, "batch 0<", "announcement posted", "Sample 2 is fixed", "contestants imported", `&#34;contestants&#34;:1`, `id="audit-newest"`)
	if strings.Contains(body, "batch 20<") {
		t.Error("the second page repeats the first")
	}
	_, body, _ = f.page(t, "/contests/run/audit?q=SAMPLE", "org", "zh")
	mustContain(t, "search", body, "Sample 2 is fixed", "发布公告")
	if strings.Contains(body, "batch ") {
		t.Error("the search shows entries that do not match")
	}
	if st, _, _ := f.page(t, "/contests/run/audit?before=nonsense", "org", "en"); st != 400 {
		t.Errorf("a bad page id: %d, want 400", st)
	}
}

// TestIntegrationStatisticsPage: the organizers' statistics count the
// submissions over time and by challenge and outcome, and replay the
// queue from the events: two submissions waiting at once.
func TestIntegrationStatisticsPage(t *testing.T) {
	f := newFixture(t, time.Now())
	f.Submit(t, "ann", "print(1)")
	f.Submit(t, "ben", "print(2)")
	f.Grade(t, accepted())
	f.Grade(t, verdict.Result{Outcome: verdict.WrongAnswer, MaxScore: 100})
	f.Submit(t, "ben", "print(3)")

	_, body, _ := f.page(t, "/contests/run/statistics", "org", "en")
	mustContain(t, "statistics", body, "<dt>Submissions</dt><dd>3</dd>", "<dt>Accepted</dt><dd>1</dd>", "<dt>Not judged yet</dt><dd>1</dd>",
		"2 of 2 registered", "<dt>Longest queue</dt><dd>2</dd>",
		`<td class="num" data-outcome="accepted">1</td>`, `<td class="num" data-outcome="wrong_answer">1</td>`, `<td class="num" data-outcome="queued">1</td>`,
		`<svg class="chart"`, `<polyline class="line"`, `<rect class="bar ok"`)
	if n := strings.Count(body, `<svg class="chart"`); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	for user, want := range map[string]int{"jury": 403, "ann": 403, "org2": 403} {
		if st, _, _ := f.page(t, "/contests/run/statistics", user, "en"); st != want {
			t.Errorf("%s: %d, want %d", user, st, want)
		}
	}
}
