package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The web UI's end-to-end tests share these helpers: logging in through the
// form, waiting for the page to reach a state, and screenshots.

// uiWait bounds one wait for the page: generous, since other tests share
// the machine's two cores and grading runs in Docker.
const uiWait = 90 * time.Second

// screenshotDir is where screenshots go: $ARENA_SCREENSHOTS, or out/screenshots
// at the top of the repository.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ARENA_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "out", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// shot writes a full-page screenshot of the tab as NAME.png.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// step runs browser actions with a deadline, failing the test with what.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, uiWait)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// waitFor polls a JavaScript condition until it holds. A page that is
// navigating meanwhile is asked again once it has loaded.
func waitFor(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(uiWait)
	var lastErr error
	for time.Now().Before(deadline) {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](`(() => { try { return Boolean(`+cond+`); } catch (e) { return false; } })()`))
		cancel()
		if err == nil && ok {
			return
		}
		if ctx.Err() != nil {
			break
		}
		lastErr = err
		time.Sleep(100 * time.Millisecond)
	}
	text, terr := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? location.href + '\n' + document.body.innerText.slice(0, 1500) : ''`))
	t.Fatalf("%s: not within %v (last error %v)\npage (%v):\n%s", what, uiWait, lastErr, terr, text)
}

// eval evaluates a JavaScript expression.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// newTab opens another tab in the same browser (same cookies).
func newTab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tab
}

// newBrowserContext opens a tab with cookies of its own, for a second user.
func newBrowserContext(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a browser context: %v", err)
	}
	return tab
}

// uiLogin logs user in through the log-in form and waits for the page it leads to.
func uiLogin(t *testing.T, ctx context.Context, p *platform, user, next string) {
	t.Helper()
	step(t, ctx, "log in as "+user,
		chromedp.Navigate(p.URL+"/login?next="+next),
		chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, user),
		chromedp.SendKeys(`#password`, password),
		chromedp.Click(`#login-form button[type=submit]`),
	)
	waitFor(t, ctx, "land on "+next+" after logging in as "+user,
		`location.pathname === `+jsString(strings.SplitN(next, "?", 2)[0])+` && document.readyState === 'complete'`)
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// keyRE matches what an untranslated key would look like on a page.
var keyRE = regexp.MustCompile(`\b(nav|lang|role|state|scoring|category|home|login|error|ok|contest|board|challenges|own|challenge|submit|subs|sub|status|outcome|clar|rejudge|admin|import|audit|js|jury|stats)\.[a-z_]+\b`)

// noUntranslated fails when the page's text shows a translation key.
func noUntranslated(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	text := eval[string](t, ctx, `document.body.innerText + ' ' + document.title + ' ' +
		[...document.querySelectorAll('[aria-label],[title],[placeholder]')].map(e => (e.getAttribute('aria-label')||'') + ' ' + (e.getAttribute('title')||'') + ' ' + (e.getAttribute('placeholder')||'')).join(' ')`)
	if k := keyRE.FindString(text); k != "" {
		t.Errorf("%s: untranslated key %q on the page", where, k)
	}
}

// markNoReload sets a marker that a reload would lose.
func markNoReload(t *testing.T, ctx context.Context) {
	t.Helper()
	eval[int](t, ctx, `window.__noReload = 42`)
}

func assertNoReload(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	if v := eval[int](t, ctx, `window.__noReload || 0`); v != 42 {
		t.Fatalf("%s: the page reloaded; it must update in place", where)
	}
}

// clickThrough clicks a button that loads a new page and waits for that
// page to satisfy cond.
func clickThrough(t *testing.T, ctx context.Context, what, sel, cond string) {
	t.Helper()
	step(t, ctx, what, chromedp.WaitVisible(sel))
	eval[bool](t, ctx, `window.__oldPage = true`)
	step(t, ctx, what, chromedp.Click(sel))
	waitFor(t, ctx, what, `!window.__oldPage && document.readyState === 'complete' && (`+cond+`)`)
}
