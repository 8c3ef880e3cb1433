package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/skillarena/arena/internal/testenv"
)

// englishSentence is three English words in a row: what an untranslated
// message looks like inside the Chinese UI.
var englishSentence = regexp.MustCompile(`[A-Za-z]{2,}[ ,:;]+[A-Za-z]{2,}[ ,:;]+[A-Za-z]{2,}`)

// mainText is what the page's main part says, without code, sources and
// data a user typed (they are not the UI's words).
func mainText(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `(() => { const m = document.querySelector('main').cloneNode(true);
		m.querySelectorAll('pre.source, code, textarea, script, .sr').forEach(e => e.remove());
		return m.innerText; })()`)
}

// noEnglish fails when the Chinese page's main part holds an English sentence.
func noEnglish(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	if s := englishSentence.FindString(mainText(t, ctx)); s != "" {
		t.Errorf("%s: English inside the Chinese page: %q", where, s)
	}
}

// TestIntegrationUIMessagesTranslated: a checker's message, a contestant
// list's problem and a refusal of the API read in Chinese on the Chinese
// pages, with no English sentence, and in English on the English ones.
func TestIntegrationUIMessagesTranslated(t *testing.T) {
	p := startPlatform(t)
	bob := p.login("bob")
	wrong := p.submit(bob, "hello", helloWrong)
	p.waitDone(bob, wrong, 90*time.Second)

	ctx := testenv.Browser(t)
	// The checker's message on a rejected test.
	uiLogin(t, ctx, p, "bob", "/submissions/"+wrong)
	waitFor(t, ctx, "the rejected test", `document.querySelector('#sub-detail td.detail-cell') !== null`)
	if got := eval[string](t, ctx, `document.querySelector('#sub-detail td.detail-cell').textContent.trim()`); got != "第 1 行与答案不同" {
		t.Errorf("zh: the checker's message is %q, want 第 1 行与答案不同", got)
	}
	noEnglish(t, ctx, "submission (zh)")
	step(t, ctx, "the submission in English", chromedp.Navigate(p.URL+"/submissions/"+wrong+"?lang=en"), chromedp.WaitVisible(`#sub-detail td.detail-cell`))
	if got := eval[string](t, ctx, `document.querySelector('#sub-detail td.detail-cell').textContent.trim()`); got != "line 1 differs" {
		t.Errorf("en: the checker's message is %q, want line 1 differs", got)
	}

	// A refusal of the submit path: a challenge the contest does not hold.
	for _, tc := range []struct{ lang, want string }{
		{"zh", `赛题："nope" 不是本场比赛的赛题`},
		{"en", `challenge: "nope" is not a challenge of this contest`},
	} {
		step(t, ctx, "the submit page ("+tc.lang+")", chromedp.Navigate(p.URL+"/contests/demo/submit?lang="+tc.lang), chromedp.WaitVisible(`#submit-form`))
		eval[bool](t, ctx, `(() => { const o = document.createElement('option'); o.value = 'nope'; o.textContent = 'nope';
			const s = document.getElementById('challenge'); s.append(o); s.value = 'nope'; return true; })()`)
		step(t, ctx, "fill in the code", chromedp.SetValue(`#code`, helloAccepted))
		clickThrough(t, ctx, "submit to no challenge", `#submit-button`, `document.querySelector('main .problem') !== null`)
		got := eval[string](t, ctx, `document.querySelector('main .problem').innerText.trim()`)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: the refusal reads %q, want %q in it", tc.lang, got, tc.want)
		}
		if tc.lang == "zh" {
			noEnglish(t, ctx, "submit refusal (zh)")
			shot(t, ctx, "refusal-zh")
		}
	}
	// The API keeps its English and adds the code.
	status := eval[string](t, ctx, `(() => { const f = new FormData(); f.append('challenge', 'nope'); f.append('language', 'python3');
		f.append('file', new Blob(['print(1)\n']), 'main.py');
		return fetch('/api/contests/demo/submissions', {method: 'POST', credentials: 'same-origin', body: f,
			headers: {'X-CSRF-Token': document.querySelector('input[name=_csrf]').value}}).then(r => r.json()).then(b => JSON.stringify(b.error)); })()`)
	if !strings.Contains(status, `"message_code":"refusal.no_challenge"`) || !strings.Contains(status, `is not a challenge of this contest`) {
		t.Errorf("the API's refusal is %s, want its English message and message_code refusal.no_challenge", status)
	}

	// A contestant list's problem.
	org := newBrowserContext(t, ctx)
	uiLogin(t, org, p, "organizer", "/contests/demo/import")
	good := idNumber("11010519900307123")
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	step(t, org, "paste a list with a bad row", chromedp.SetValue(`#import-text`, "姓名,身份证号\n李四,"+bad+"\n"))
	clickThrough(t, org, "preview", `#import-preview`, `document.getElementById('preview-problems') !== null`)
	want := "第 2 行：身份证号：校验位应为 " + string(good[17])
	if got := eval[string](t, org, `document.querySelector('#preview-problems li').textContent.trim()`); got != want {
		t.Errorf("zh: the import problem reads %q, want %q", got, want)
	}
	noEnglish(t, org, "import preview (zh)")
	shot(t, org, "import-problem-zh")
	step(t, org, "the import page in English", chromedp.Navigate(p.URL+"/contests/demo/import?lang=en"), chromedp.WaitVisible(`#import-text`))
	step(t, org, "paste the list again", chromedp.SetValue(`#import-text`, "姓名,身份证号\n李四,"+bad+"\n"))
	clickThrough(t, org, "preview in English", `#import-preview`, `document.getElementById('preview-problems') !== null`)
	want = "line 2: ID number: check digit should be " + string(good[17])
	if got := eval[string](t, org, `document.querySelector('#preview-problems li').textContent.trim()`); got != want {
		t.Errorf("en: the import problem reads %q, want %q", got, want)
	}
}
