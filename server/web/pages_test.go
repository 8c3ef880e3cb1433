package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/server/request"
)

// keyRE matches what an untranslated key would look like in a page's text.
var keyRE = regexp.MustCompile(`\b(nav|lang|role|state|scoring|category|home|login|error|ok|contest|board|challenges|own|challenge|submit|subs|sub|status|outcome|clar|rejudge|admin|import|audit|cert|verify|sim|js|jury|stats)\.[a-z_]+\b`)

var (
	i18nScriptRE = regexp.MustCompile(`(?s)<script type="application/json" id="i18n">.*?</script>`)
	tagRE        = regexp.MustCompile(`(?s)<[^>]*>`)
)

// visibleText is a page's text as a reader sees it, tags and the
// translation block left out.
func visibleText(html string) string {
	return tagRE.ReplaceAllString(i18nScriptRE.ReplaceAllString(html, ""), " ")
}

func (f *fixture) page(t *testing.T, path, user, lang string) (int, string, http.Header) {
	t.Helper()
	if lang != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "lang=" + lang
	}
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	if tok, ok := f.Tokens[user]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := f.App.Test(req, 10000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestIntegrationPagesRenderForEveryRole opens every page as every role in
// both languages: nothing fails on our side, no template is left half
// done, and no translation key shows instead of its text.
func TestIntegrationPagesRenderForEveryRole(t *testing.T) {
	f := newFixture(t, time.Now())
	sid := f.Submit(t, "ann", "print(1)")
	f.Grade(t, accepted())
	pages := []struct {
		path  string
		users []string
	}{
		{"/contests/run", []string{"", "ann", "jury", "org"}},
		{"/contests/soon", []string{"", "ann"}},
		{"/contests/old", []string{"", "org"}},
		{"/", []string{"", "ann"}},
		{"/login", []string{""}},
		{"/contests/run/board", []string{"", "ann", "jury", "org"}},
		{"/contests/run/board?view=public", []string{"jury"}},
		{"/contests/run/challenges", []string{"ann", "jury"}},
		{"/contests/soon/challenges", []string{"ann"}},
		{"/contests/run/challenges/hello", []string{"ann", "jury"}},
		{"/contests/run/submit", []string{"ann"}},
		{"/contests/old/submit", []string{"ann"}},
		{"/contests/run/submissions", []string{"ann", "jury"}},
		{"/contests/run/submissions?challenge=hello&outcome=accepted", []string{"jury"}},
		{"/submissions/" + sid, []string{"ann", "jury"}},
		{"/contests/run/clarifications", []string{"ann", "jury"}},
		{"/contests/run/clarifications?only=open", []string{"jury"}},
		{"/contests/run/rejudges", []string{"jury", "org"}},
		{"/contests/run/similarity", []string{"jury", "org"}},
		{"/contests/run/similarity?challenge=hello", []string{"jury"}},
		{"/contests/run/similarity/" + sid + "/" + sid, []string{"jury"}},
		{"/contests/run/admin", []string{"org"}},
		{"/contests/old/admin", []string{"org"}},
		{"/contests/run/import", []string{"org"}},
		{"/contests/run/audit", []string{"org"}},
		{"/contests/run/statistics", []string{"org"}},
		{"/contests/soon/statistics", []string{"org"}},
		{"/contests/run/audit?q=x&before=1-0", []string{"org"}},
		{"/contests/run/certificates", []string{"org", "ann"}},
		{"/contests/old/certificates", []string{"org"}},
		{"/verify/nope", []string{"", "ann"}},
		{"/contests/nope", []string{"ann"}},
		{"/contests/run/admin", []string{"ann"}},
	}
	for _, pg := range pages {
		for _, user := range pg.users {
			for _, lang := range frontend.Langs {
				t.Run(pg.path+" as "+user+" in "+lang, func(t *testing.T) {
					status, body, hdr := f.page(t, pg.path, user, lang)
					if status >= 500 || status == 401 {
						t.Fatalf("status %d: %.500s", status, body)
					}
					if status >= 300 && status < 400 {
						if hdr.Get("Location") == "" {
							t.Fatalf("redirect %d without a Location", status)
						}
						return
					}
					if !strings.Contains(hdr.Get("Content-Type"), "text/html") || !strings.HasPrefix(body, "<!doctype html>") {
						t.Fatalf("not an HTML page (%s): %.300s", hdr.Get("Content-Type"), body)
					}
					text := visibleText(body)
					if k := keyRE.FindString(text); k != "" {
						t.Errorf("untranslated key %q shows on the page", k)
					}
					if strings.Contains(body, "<script>") || strings.Contains(body, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
						t.Error("inline script or event handler on the page")
					}
					wantLang := map[string]string{"zh": `<html lang="zh-CN">`, "en": `<html lang="en">`}[lang]
					if !strings.Contains(body, wantLang) {
						t.Errorf("page is not in %s", lang)
					}
				})
			}
		}
	}
}

// TestIntegrationPageErrors: a browser gets pages, never JSON or internals:
// a visitor is sent to log in, a wrong role sees a translated refusal, and
// the JSON API keeps answering JSON.
func TestIntegrationPageErrors(t *testing.T) {
	f := newFixture(t, time.Now())
	status, _, hdr := f.page(t, "/contests/run/submissions", "", "")
	if status != http.StatusSeeOther || hdr.Get("Location") != "/login?next="+url.QueryEscape("/contests/run/submissions") {
		t.Fatalf("visitor: %d to %q, want 303 to the log-in page", status, hdr.Get("Location"))
	}
	status, body, _ := f.page(t, "/contests/run/admin", "ann", "en")
	if status != http.StatusForbidden || !strings.Contains(body, "Your role may not do this.") {
		t.Fatalf("contestant on the dashboard: %d %.300s", status, body)
	}
	status, body, _ = f.page(t, "/contests/nope/board", "", "zh")
	if status != http.StatusNotFound || !strings.Contains(body, "找不到") {
		t.Fatalf("unknown contest: %d %.300s", status, body)
	}
	resp := f.Request(t, "GET", "/contests/run/admin", "ann", "", nil)
	if b, _ := io.ReadAll(resp.Body); resp.StatusCode != 403 || !strings.Contains(string(b), `"code":"forbidden"`) {
		t.Fatalf("without Accept: text/html: %d %s", resp.StatusCode, b)
	}
}

// TestIntegrationFormsNeedTheCSRFField: a form sent with the session cookie
// is refused without the _csrf field and accepted with it.
func TestIntegrationFormsNeedTheCSRFField(t *testing.T) {
	f := newFixture(t, time.Now())
	resp := f.Request(t, "POST", "/api/auth/login", "", "application/json", strings.NewReader(`{"username":"ann","password":"`+testPassword+`"}`))
	var session, csrf string
	for _, c := range resp.Cookies() {
		switch c.Name {
		case request.SessionCookie:
			session = c.Value
		case request.CSRFCookie:
			csrf = c.Value
		}
	}
	ask := func(form url.Values) (int, string) {
		req := httptest.NewRequest("POST", "/contests/run/clarifications", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		req.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: session})
		req.AddCookie(&http.Cookie{Name: request.CSRFCookie, Value: csrf})
		r, err := f.App.Test(req, 10000)
		if err != nil {
			t.Fatal(err)
		}
		return r.StatusCode, r.Header.Get("Location")
	}
	if st, _ := ask(url.Values{"question": {"Is input UTF-8?"}}); st != http.StatusForbidden {
		t.Fatalf("without _csrf: %d, want 403", st)
	}
	if st, _ := ask(url.Values{"question": {"Is input UTF-8?"}, request.CSRFField: {"wrong"}}); st != http.StatusForbidden {
		t.Fatalf("with a wrong _csrf: %d, want 403", st)
	}
	st, loc := ask(url.Values{"question": {"Is input UTF-8?"}, "challenge": {"hello"}, request.CSRFField: {csrf}})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/contests/run/clarifications?ok=asked") {
		t.Fatalf("with _csrf: %d to %q", st, loc)
	}
	// The question is there, on the page and for the jury.
	_, body, _ := f.page(t, "/contests/run/clarifications", "jury", "en")
	if !strings.Contains(body, "Is input UTF-8?") || !strings.Contains(body, "Answer everyone") {
		t.Fatalf("the jury's inbox lacks the question: %.2000s", visibleText(body))
	}
}

// TestIntegrationLoginForm logs in with the form and lands where ?next= says.
func TestIntegrationLoginForm(t *testing.T) {
	f := newFixture(t, time.Now())
	status, body, hdr := f.page(t, "/login?next=/contests/run/submit", "", "en")
	if status != 200 {
		t.Fatalf("login page: %d", status)
	}
	csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	var cookie string
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		if c.Name == request.CSRFCookie {
			cookie = c.Value
		}
	}
	if csrf == nil || cookie == "" || csrf[1] != cookie {
		t.Fatalf("login form CSRF %v, cookie %q", csrf, cookie)
	}
	post := func(password string) *http.Response {
		form := url.Values{"username": {"ann"}, "password": {password}, "next": {"/contests/run/submit"}, request.CSRFField: {cookie}}
		req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "text/html")
		req.AddCookie(&http.Cookie{Name: request.CSRFCookie, Value: cookie})
		r, err := f.App.Test(req, 10000)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := post("wrong")
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), "用户名或密码错误") {
		t.Fatalf("wrong password: %d %.500s", r.StatusCode, visibleText(string(b)))
	}
	r = post(testPassword)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/contests/run/submit" {
		t.Fatalf("login: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	found := false
	for _, c := range r.Cookies() {
		found = found || c.Name == request.SessionCookie && c.Value != "" && c.HttpOnly
	}
	if !found {
		t.Fatal("no session cookie after the form login")
	}
}

// TestIntegrationHomeKeepsTheLanguage: with one contest the home page goes
// straight to it, in the language asked for.
func TestIntegrationHomeKeepsTheLanguage(t *testing.T) {
	f := newFixture(t, time.Now())
	if err := f.Redis.SRem(context.Background(), "arena:contests", "old", "soon", "other").Err(); err != nil {
		t.Fatal(err)
	}
	status, _, hdr := f.page(t, "/", "", "en")
	if status != http.StatusFound || hdr.Get("Location") != "/contests/run?lang=en" {
		t.Fatalf("/?lang=en: %d to %q, want /contests/run?lang=en", status, hdr.Get("Location"))
	}
	if !strings.Contains(hdr.Get("Set-Cookie"), "arena_lang=en") {
		t.Errorf("the choice is not remembered: Set-Cookie %q", hdr.Get("Set-Cookie"))
	}
}

// TestIntegrationLongSourceCollapsed: a long source is folded behind a
// summary with its line count; a short one is shown as it is.
func TestIntegrationLongSourceCollapsed(t *testing.T) {
	f := newFixture(t, time.Now())
	short := f.Submit(t, "ann", "print(1)\n")
	long := f.Submit(t, "ann", strings.Repeat("x=1\n", 200))
	for _, tc := range []struct {
		sid    string
		folded bool
	}{{short, false}, {long, true}} {
		status, body, _ := f.page(t, "/submissions/"+tc.sid, "jury", "en")
		if status != 200 {
			t.Fatalf("%s: %d", tc.sid, status)
		}
		if got := strings.Contains(body, `<details class="long-source">`); got != tc.folded {
			t.Errorf("%s: folded %v, want %v", tc.sid, got, tc.folded)
		}
		if tc.folded && !strings.Contains(body, "Show the whole source (lines) · 200") {
			t.Errorf("%s: the summary does not give the 200 lines", tc.sid)
		}
	}
}

// TestIntegrationBoardHeadsAreTitles: the board's columns are headed by
// the challenges' titles, their slugs only in a tooltip.
func TestIntegrationBoardHeadsAreTitles(t *testing.T) {
	f := newFixture(t, time.Now())
	status, body, _ := f.page(t, "/contests/run/board", "", "en")
	if status != 200 || !strings.Contains(body, `<span class="challenge-title" title="hello">Hello</span>`) {
		t.Fatalf("board: %d, no title heading the hello column", status)
	}
}

// TestIntegrationStaffFormForAdmins: the contest dashboard shows admins
// the staff form with the contest's staff, and its organizers no form.
func TestIntegrationStaffFormForAdmins(t *testing.T) {
	f := newFixture(t, time.Now())
	for user, want := range map[string]bool{"admin": true, "org": false} {
		status, body, _ := f.page(t, "/contests/run/admin", user, "en")
		if status != 200 || strings.Contains(body, `id="staff-form"`) != want {
			t.Fatalf("%s: %d, staff form shown %v, want %v", user, status, !want, want)
		}
		if want && (!strings.Contains(body, `name="organizers" value="org"`) || !strings.Contains(body, `name="judges" value="jury"`)) {
			t.Fatalf("the form lacks the staff: %.3000s", body)
		}
	}
	if status, _, _ := f.page(t, "/contests/run/admin", "org2", "en"); status != 403 {
		t.Fatalf("the organizer of another contest: %d, want 403", status)
	}
}
