package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/demo"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/account"
)

// certKeyRE matches an untranslated key of the certificate pages.
var certKeyRE = regexp.MustCompile(`\b(cert|verify|js)\.[a-z_]+\b`)

// noUntranslatedCert is noUntranslated for the certificate pages' keys too.
func noUntranslatedCert(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	noUntranslated(t, ctx, where)
	if k := certKeyRE.FindString(eval[string](t, ctx, `document.body.innerText`)); k != "" {
		t.Errorf("%s: untranslated key %q on the page", where, k)
	}
}

// certContestYAML turns the demo contest into one that awards certificates:
// the hello challenge, running since ten minutes ago, a city-level tier, and
// rules that promote the winner to 三级 (the occupation starts at 四级).
func certContestYAML(pkg string, now time.Time) string {
	return "id: demo\n" +
		"title: {zh: 区块链应用操作员技能竞赛, en: Blockchain operator skills contest}\n" +
		"start: " + now.Add(-10*time.Minute).UTC().Format(time.RFC3339) + "\n" +
		"end: " + now.Add(time.Hour).UTC().Format(time.RFC3339) + "\n" +
		"tier: city\n" +
		"challenges:\n  - package: " + pkg + "\n" +
		"certificates:\n" +
		"  occupation: 区块链应用操作员\n" +
		"  occupation_code: 4-04-05-06\n" +
		"  lowest_level: 四级\n" +
		"  issuer: 竞赛组织委员会\n" +
		"  number: \"{contest}-{year}-{seq:4}\"\n" +
		"  levels:\n    - {level: 三级, top_n: 1}\n"
}

// TestIntegrationUICertificates: the organizer's winner review and the
// public verification page, in Chromium.
//
// The API loads a contest.yaml but registers nobody from it, so the test
// uses the demo contest, whose contestants are registered: it uploads the
// hello package, loads the demo contest again with a tier and a
// certificates block, lets alice (accepted) and bob (wrong) submit, ends
// the contest and unfreezes it. Certificates need ID numbers, which the
// demo accounts lack; the test gives alice and bob theirs in the account
// store, as a contestant list import would.
//
// In the browser the organizer sees the review refused while the contest
// runs and while its board is frozen, then alice flagged (gold, 四级 → 三级),
// overrides bob's level with a reason (opening the form from the
// keyboard), finalizes after the confirmation step and reads the issued
// numbers; a national number in the wrong format is refused with what is
// wrong. A visitor on a phone opens /verify/{number}: valid, no holder,
// and a form for the verification code; with the code the review page
// shows, the holder masked. After the organizer revokes it: revoked, and
// the reason with the code.
func TestIntegrationUICertificates(t *testing.T) {
	p := startPlatform(t)
	org := p.login("organizer")

	accounts := account.NewStore(p.Redis.Client())
	for _, u := range demo.Users {
		switch u.Username {
		case "alice":
			u.IDNumber, u.Category, u.Gender, u.Level = idNumber("44030419950612345"), "worker", "female", 4
		case "bob":
			u.IDNumber, u.Category, u.Gender = idNumber("33010619920512456"), "student", "male"
		default:
			continue
		}
		if err := accounts.Put(context.Background(), u, password); err != nil {
			t.Fatal(err)
		}
	}

	fsys, err := challenges.Example("hello")
	if err != nil {
		t.Fatal(err)
	}
	archive, err := challenges.Archive(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("package", "hello.tar.gz")
	_, _ = fw.Write(archive)
	_ = mw.Close()
	var up struct{ Package string }
	if st := p.do("POST", "/api/packages", org, mw.FormDataContentType(), &body, &up); st != 201 || !strings.HasPrefix(up.Package, "sha256:") {
		t.Fatalf("upload the hello package: %d %+v", st, up)
	}
	if st := p.do("PUT", "/api/contests", org, "application/yaml", strings.NewReader(certContestYAML(up.Package, time.Now())), nil); st != 200 {
		t.Fatalf("load the contest with certificate rules: status %d", st)
	}
	for user, code := range map[string]string{"alice": helloAccepted, "bob": helloWrong} {
		tok := p.login(user)
		p.waitDone(tok, p.submit(tok, "hello", code), 90*time.Second)
	}

	ctx := testenv.Browser(t)
	const page = "/contests/demo/certificates"
	uiLogin(t, ctx, p, "organizer", page)
	waitFor(t, ctx, "the review waits for the end", `document.querySelector('#cert-blocked[data-reason="running"]') !== null
		&& document.getElementById('cert-review') === null`)
	noUntranslatedCert(t, ctx, "review while running")

	setTimes(t, p, map[string]any{"end": time.Now().Add(-time.Second).UTC().Format(time.RFC3339)})
	step(t, ctx, "reload after the end", chromedp.Navigate(p.URL+page))
	waitFor(t, ctx, "the review waits for the unfreeze", `document.querySelector('#cert-blocked[data-reason="frozen"] a[href$="/admin#freeze-title"]') !== null`)
	if st := p.do("POST", "/api/contests/demo/unfreeze", org, "application/json", strings.NewReader(`{"reason":"final results"}`), nil); st != 200 {
		t.Fatalf("unfreeze: status %d", st)
	}

	// The review: alice flagged, with why; carol did not take part.
	step(t, ctx, "open the review", chromedp.Navigate(p.URL+page), chromedp.WaitVisible(`#cert-review`))
	alice := eval[map[string]string](t, ctx, `(() => { const r = document.querySelector('#c-alice');
		return { rank: r.querySelector('.rank').textContent.trim(), award: r.querySelector('.award').textContent.trim(),
			level: r.querySelector('.cert-level') ? r.querySelector('.cert-level').textContent : '',
			path: r.querySelector('.level-path') ? r.querySelector('.level-path').textContent : '',
			holder: r.querySelector('.holder').textContent, notes: r.querySelector('.notes').textContent,
			winner: String(r.classList.contains('winner')) }; })()`)
	if alice["rank"] != "1" || alice["award"] != "金牌" || alice["level"] != "三级/高级工" || !strings.Contains(alice["path"], "四级/中级工 → 三级/高级工") ||
		alice["winner"] != "true" || !strings.Contains(alice["holder"], "A***e") || !strings.Contains(alice["holder"], "440304********") ||
		!strings.Contains(alice["notes"], "第 1 名") || !strings.Contains(alice["notes"], "金牌：前 1 名") || !strings.Contains(alice["notes"], "目标等级三级/高级工：前 1 名") {
		t.Fatalf("alice in the review: %v", alice)
	}
	if notes := eval[string](t, ctx, `document.querySelector('#c-carol .notes').textContent`); !strings.Contains(notes, "未参赛") {
		t.Errorf("carol's notes: %q", notes)
	}
	noUntranslatedCert(t, ctx, "review")
	shot(t, ctx, "certificates-review")

	// Preview disqualifying alice: bob would move up to gold and 三级; cancel.
	step(t, ctx, "open alice's override", chromedp.Click(`#c-alice details.override summary`), chromedp.WaitVisible(`#ov-status-alice`),
		chromedp.SetValue(`#ov-status-alice`, "disqualified"))
	clickThrough(t, ctx, "preview alice's disqualification", `#c-alice .override-form button.preview-button`,
		`document.getElementById('override-preview') !== null`)
	preview := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('#preview-changes tbody tr')].map(tr =>
		[tr.dataset.contestant, [...tr.querySelectorAll('td')].map(td => td.textContent.trim()).join(' | ')]))`)
	if len(preview) != 2 || preview["bob"] != "正式选手 | 2 → 1 | 银牌 → 金牌 | — → 三级/高级工" || !strings.HasPrefix(preview["alice"], "正式选手 → 取消资格 | 1 → — | 金牌 → —") {
		t.Fatalf("the preview of alice's disqualification: %v", preview)
	}
	if id := eval[string](t, ctx, `document.activeElement ? document.activeElement.id : ''`); id != "preview-reason" {
		t.Errorf("focus after the preview is on %q, want the reason", id)
	}
	noUntranslatedCert(t, ctx, "override preview")
	shot(t, ctx, "certificates-preview")
	step(t, ctx, "leave the preview", chromedp.Navigate(p.URL+page), chromedp.WaitVisible(`#cert-review`))
	if award := eval[string](t, ctx, `document.querySelector('#c-alice .award').textContent.trim()`); award != "金牌" {
		t.Fatalf("the preview changed alice's award to %q", award)
	}

	// Override bob's level, opening his form from the keyboard.
	step(t, ctx, "open bob's override with the keyboard",
		chromedp.Focus(`#c-bob details.override summary`),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#ov-level-bob`),
		chromedp.SetValue(`#ov-level-bob`, "4"),
		chromedp.SendKeys(`#ov-reason-bob`, "jury decision after appeal"),
	)
	clickThrough(t, ctx, "save bob's override", `#c-bob .override-form button[type=submit]`,
		`new URLSearchParams(location.search).get('ok') === 'cert_overridden' && location.hash === '#c-bob'`)
	waitFor(t, ctx, "bob overridden", `document.querySelector('#c-bob.overridden .override-mark .override-reason').textContent === 'jury decision after appeal'
		&& document.querySelector('#c-bob .cert-level').textContent === '四级/中级工'
		&& document.querySelector('p.notice[role=status]') !== null`)

	// Finalize: a confirmation step that lists who gets what, then the numbers.
	clickThrough(t, ctx, "start finalizing", `#finalize-start`, `document.getElementById('finalize-confirm') !== null`)

	if n := eval[int](t, ctx, `document.querySelectorAll('#confirm-winners tbody tr').length`); n != 2 {
		t.Fatalf("the confirmation lists %d winners, want 2", n)
	}
	if id := eval[string](t, ctx, `document.activeElement ? document.activeElement.id : ''`); id != "finalize-reason" {
		t.Errorf("focus after opening the confirmation is on %q, want the reason", id)
	}
	step(t, ctx, "give the reason", chromedp.SendKeys(`#finalize-reason`, "results approved by the committee"))
	clickThrough(t, ctx, "finalize", `#finalize-go`, `new URLSearchParams(location.search).get('ok') === 'cert_finalized'
		&& document.getElementById('issued-table') !== null`)
	issued := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('#issued-table tbody tr')].map(tr => [tr.dataset.contestant, tr.dataset.number]))`)
	year := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006")
	if len(issued) != 2 || issued["alice"] != "demo-"+year+"-0001" || issued["bob"] != "demo-"+year+"-0002" {
		t.Fatalf("issued numbers %v", issued)
	}
	if eval[bool](t, ctx, `document.getElementById('finalize-start') !== null || document.querySelector('form.override-form') !== null`) {
		t.Error("the finalized review still offers to finalize or override")
	}
	noUntranslatedCert(t, ctx, "finalized review")
	// Without --public-url the page says links point to where the server listens.
	if base := eval[string](t, ctx, `document.getElementById('links-base').textContent`); !regexp.MustCompile(regexp.QuoteMeta(p.URL) + `\D`).MatchString(base) {
		t.Errorf("where links point: %q, want %s", base, p.URL)
	}
	shot(t, ctx, "certificates-issued")
	aliceNo := issued["alice"]
	// The certificate's PDF link gives a PDF (or says no Chinese font is installed).
	switch pdf := eval[string](t, ctx, `fetch(document.querySelector('#cert-`+aliceNo+` a.pdf-link').href).then(r => r.status + ' ' + r.headers.get('content-type'))`); pdf {
	case "200 application/pdf":
	case "503 application/json":
		t.Log("no Chinese font installed: the PDF link answers 503")
	default:
		t.Errorf("the PDF link answers %q", pdf)
	}

	// A national number in the wrong format: said while typing, refused by the server.
	row := `#cert-` + aliceNo
	step(t, ctx, "open the national number form",
		chromedp.Click(row+` details.agency summary`),
		chromedp.WaitVisible(`#ag-`+aliceNo),
		chromedp.SendKeys(`#ag-`+aliceNo, "S123"),
	)
	waitFor(t, ctx, "the length is said while typing", `document.getElementById('ag-`+aliceNo+`-check').textContent.includes('4')`)
	step(t, ctx, "reason", chromedp.SendKeys(`#ag-reason-`+aliceNo, "agency list"))
	clickThrough(t, ctx, "send the short number", row+` .agency-form button[type=submit]`, `document.querySelector('.problem[role=alert]') !== null`)
	check := eval[string](t, ctx, `document.getElementById('ag-`+aliceNo+`-check').textContent + ' | ' + document.querySelector('.problem').textContent`)
	if !strings.Contains(check, "已输入 4 个字符") || !strings.Contains(check, "22") {
		t.Fatalf("the refused national number: %q", check)
	}
	const national = "S000044010001245001234"
	step(t, ctx, "the right number", chromedp.SetValue(`#ag-`+aliceNo, national))
	clickThrough(t, ctx, "send the right number", row+` .agency-form button[type=submit]`,
		`new URLSearchParams(location.search).get('ok') === 'cert_agency' && document.querySelector('`+row+` td.agency').textContent === '`+national+`'`)

	// Alice finds her certificate on her account page, with its PDF and signed record.
	holder := newBrowserContext(t, ctx)
	uiLogin(t, holder, p, "alice", "/account")
	waitFor(t, holder, "alice's certificate on her account page", `document.querySelector('#my-certificates tr[data-number="`+aliceNo+`"] a.pdf') !== null`)
	switch pdf := eval[string](t, holder, `fetch(document.querySelector('#my-certificates a.pdf').href).then(r => r.status + ' ' + r.headers.get('content-type'))`); pdf {
	case "200 application/pdf":
	case "503 application/json":
		t.Log("no Chinese font installed: the PDF link answers 503")
	default:
		t.Errorf("the account page's PDF link answers %q", pdf)
	}
	if rec := eval[string](t, holder, `fetch(document.querySelector('#my-certificates a[href$="/record"]').href).then(r => r.json()).then(j => j.number + ' ' + j.agency_number)`); rec != aliceNo+" "+national {
		t.Errorf("the account page's record: %q", rec)
	}
	noUntranslated(t, holder, "account page")
	shot(t, holder, "account")

	// The certificate's verification code, as the review page prints it.
	code := eval[string](t, ctx, `document.querySelector('`+row+` .cert-code').textContent`)
	if len(code) != 23 || strings.Count(code, "-") != 3 {
		t.Fatalf("verification code on the review: %q", code)
	}

	// A visitor on a phone checks the certificate: by number alone only
	// whether it holds; with the code, the holder.
	visitor := newBrowserContext(t, ctx)
	step(t, visitor, "verify on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile),
		chromedp.Navigate(p.URL+"/verify/"+aliceNo),
		chromedp.WaitVisible(`#verify-code-form`),
	)
	got := eval[map[string]string](t, visitor, `({ status: document.getElementById('verify-status').dataset.status,
		verdict: document.getElementById('verify-verdict').textContent, holder: String(document.getElementById('verify-holder')),
		text: document.body.innerText })`)
	if got["status"] != "valid" || got["verdict"] != "证书有效" || got["holder"] != "null" || strings.Contains(got["text"], "A***e") ||
		strings.Contains(got["text"], "三级/高级工") || strings.Contains(got["text"], national) || strings.Contains(got["text"], "Alice") {
		t.Fatalf("verification page by number: %v", got)
	}
	shot(t, visitor, "verify-number")
	step(t, visitor, "type the code", chromedp.SendKeys(`#verify-code`, strings.ToLower(code)), chromedp.Submit(`#verify-code`),
		chromedp.WaitVisible(`#verify-holder`))
	got = eval[map[string]string](t, visitor, `({ status: document.getElementById('verify-status').dataset.status,
		verdict: document.getElementById('verify-verdict').textContent, holder: document.getElementById('verify-holder').textContent,
		level: document.getElementById('verify-level').textContent, award: document.getElementById('verify-award').textContent,
		text: document.body.innerText })`)
	if got["status"] != "valid" || got["verdict"] != "证书有效" || got["holder"] != "A***e" || got["level"] != "三级/高级工" || got["award"] != "金牌" ||
		!strings.Contains(got["text"], national) || !strings.Contains(got["text"], "市级竞赛") || strings.Contains(got["text"], "Alice") {
		t.Fatalf("verification page with the code: %v", got)
	}
	if wide := eval[bool](t, visitor, `document.documentElement.scrollWidth > window.innerWidth`); wide {
		t.Error("the verification page scrolls sideways on a phone")
	}
	noUntranslatedCert(t, visitor, "verification page")
	shot(t, visitor, "verify-valid")

	// Revoked: the page says so, with the reason, in both languages.
	step(t, ctx, "open the revoke form",
		chromedp.Navigate(p.URL+page+"#cert-"+aliceNo),
		chromedp.Click(row+` details.revoke summary`),
		chromedp.SendKeys(`#rv-reason-`+aliceNo, "result withdrawn after appeal"),
	)
	clickThrough(t, ctx, "revoke", row+` .revoke-form button[type=submit]`,
		`new URLSearchParams(location.search).get('ok') === 'cert_revoked' && document.querySelector('`+row+`.revoked .revoke-reason') !== null`)
	step(t, visitor, "verify by number again", chromedp.Navigate(p.URL+"/verify/"+aliceNo), chromedp.WaitVisible(`#verify-revoked`))
	if got := eval[string](t, visitor, `document.getElementById('verify-status').dataset.status + ' | ' + document.getElementById('verify-status').innerText`); !strings.HasPrefix(got, "revoked | ") ||
		!strings.Contains(got, "证书已撤销") || strings.Contains(got, "result withdrawn after appeal") {
		t.Fatalf("revoked certificate by number: %q", got)
	}
	step(t, visitor, "verify with the code again", chromedp.Navigate(p.URL+"/verify/"+aliceNo+"?code="+code), chromedp.WaitVisible(`#verify-revoked`))
	if got := eval[string](t, visitor, `document.getElementById('verify-status').dataset.status + ' | ' + document.getElementById('verify-status').innerText`); !strings.HasPrefix(got, "revoked | ") ||
		!strings.Contains(got, "证书已撤销") || !strings.Contains(got, "result withdrawn after appeal") {
		t.Fatalf("revoked certificate with the code: %q", got)
	}
	shot(t, visitor, "verify-revoked")
	step(t, visitor, "in English", chromedp.Navigate(p.URL+"/verify/"+aliceNo+"?lang=en&code="+code), chromedp.WaitVisible(`#verify-revoked`))
	if got := eval[string](t, visitor, `document.getElementById('verify-verdict').textContent`); got != "Revoked" {
		t.Fatalf("revoked, in English: %q", got)
	}
	noUntranslatedCert(t, visitor, "verification page in English")

	// The API twin agrees.
	var v struct {
		Status  string
		Revoked struct{ Reason string }
	}
	if st := p.do("GET", "/api/certificates/"+aliceNo+"?code="+code, "", "", nil, &v); st != 200 || v.Status != "revoked" || v.Revoked.Reason != "result withdrawn after appeal" {
		b, _ := json.Marshal(v)
		t.Fatalf("GET /api/certificates/%s: %d %s", aliceNo, st, b)
	}
}
