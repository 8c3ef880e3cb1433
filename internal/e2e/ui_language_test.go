package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
)

// TestIntegrationUILanguage: pages are in Chinese by default; one click on
// the language switch turns them English, and the choice stays for the
// next pages. No translation key shows in either language, on any page a
// contestant, a judge or an organizer opens.
func TestIntegrationUILanguage(t *testing.T) {
	p := startPlatform(t)
	ctx := testenv.Browser(t)

	step(t, ctx, "open the contest home", chromedp.Navigate(p.URL+"/contests/demo"), chromedp.WaitVisible(`#lang-switch`))
	if l := eval[string](t, ctx, `document.documentElement.lang`); l != "zh-CN" {
		t.Fatalf("default language %q, want zh-CN", l)
	}
	waitFor(t, ctx, "Chinese text", `document.body.innerText.includes('比赛首页') && document.body.innerText.includes('榜单')`)
	noUntranslated(t, ctx, "contest home (zh)")
	clickThrough(t, ctx, "switch to English", `#lang-switch`, `document.documentElement.lang === 'en'`)
	waitFor(t, ctx, "English text", `document.body.innerText.includes('Contest home') && !document.body.innerText.includes('比赛首页')`)
	noUntranslated(t, ctx, "contest home (en)")

	pages := map[string][]string{
		"alice":     {"/contests/demo", "/contests/demo/challenges", "/contests/demo/challenges/hello", "/contests/demo/submit", "/contests/demo/submissions", "/contests/demo/clarifications", "/contests/demo/board"},
		"judge":     {"/contests/demo/board", "/contests/demo/board?view=public", "/contests/demo/submissions", "/contests/demo/clarifications"},
		"organizer": {"/contests/demo/admin", "/contests/demo/import", "/contests/demo/audit"},
	}
	for _, user := range []string{"alice", "judge", "organizer"} {
		tab := newBrowserContext(t, ctx)
		uiLogin(t, tab, p, user, "/contests/demo")
		for _, want := range []struct{ lang, html string }{{"zh", "zh-CN"}, {"en", "en"}} {
			// The switch is a link with ?lang=; the cookie it sets keeps the choice.
			step(t, tab, "choose "+want.lang, chromedp.Navigate(p.URL+"/contests/demo?lang="+want.lang), chromedp.WaitVisible(`#lang-switch`))
			for _, path := range pages[user] {
				step(t, tab, user+" opens "+path, chromedp.Navigate(p.URL+path), chromedp.WaitVisible(`#main`))
				if l := eval[string](t, tab, `document.documentElement.lang`); l != want.html {
					t.Errorf("%s %s: language %q, want %q", user, path, l, want.html)
				}
				noUntranslated(t, tab, user+" "+path+" ("+want.lang+")")
			}
		}
	}
}
