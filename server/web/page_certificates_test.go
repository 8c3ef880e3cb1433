package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
)

// certPage opens a page of the certificate fixture and checks it is a whole
// page in lang, with no translation key showing and no inline script.
func (f *fixture) certPage(t *testing.T, path, user, lang string, want int) string {
	t.Helper()
	status, body, hdr := f.page(t, path, user, lang)
	if status != want {
		t.Fatalf("%s as %q in %s: status %d, want %d: %.600s", path, user, lang, status, want, visibleText(body))
	}
	if !strings.Contains(hdr.Get("Content-Type"), "text/html") || !strings.HasPrefix(body, "<!doctype html>") {
		t.Fatalf("%s: not an HTML page: %.300s", path, body)
	}
	if k := keyRE.FindString(visibleText(body)); k != "" {
		t.Errorf("%s in %s: untranslated key %q", path, lang, k)
	}
	if strings.Contains(body, "<script>") || regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
		t.Errorf("%s: inline script or event handler", path)
	}
	if wantLang := map[string]string{"zh": `<html lang="zh-CN">`, "en": `<html lang="en">`}[lang]; !strings.Contains(body, wantLang) {
		t.Errorf("%s: not in %s", path, lang)
	}
	return body
}

// postForm sends a page form as user (a Bearer token needs no _csrf field)
// and returns the status, the Location and the page.
func (f *fixture) postForm(t *testing.T, path, user string, form url.Values) (int, string, string) {
	t.Helper()
	resp := f.Request(t, "POST", path, user, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func mustContain(t *testing.T, where, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%.3000s", where, w, visibleText(body))
		}
	}
}

// TestIntegrationCertificatePages walks the winner review through its
// states in both languages — results not final, review, override,
// confirmation, finalized, agency number, revocation — and the public
// verification page of a valid, a revoked and an unknown certificate.
func TestIntegrationCertificatePages(t *testing.T) {
	f := certFixture(t)
	const page = "/contests/fin/certificates"
	for _, l := range frontend.Langs {
		body := f.certPage(t, page, "org", l, 200)
		mustContain(t, "before the unfreeze", body, `id="cert-blocked" data-reason="frozen"`, `href="/contests/fin/admin#freeze-title"`)
	}
	f.certPage(t, page, "ann", "en", 403)
	if st, _, _ := f.Call(t, "POST", "/api/contests/fin/unfreeze", "org", `{"reason":"results"}`); st != 200 {
		t.Fatalf("unfreeze: %d", st)
	}

	// The review: ann first with gold and 三级, masked; ben second.
	zh := f.certPage(t, page, "org", "zh", 200)
	mustContain(t, "review (zh)", zh, `id="cert-review"`, `data-contestant="ann"`, "金牌", "三级/高级工", "安*", "110105********1239",
		"第 1 名（共 2 名有效参赛者）", "金牌：前 1 名", "目标等级三级/高级工：前 1 名", `id="finalize-start"`, "winners?format=csv&amp;lang=zh")
	for _, secret := range []string{"安娜", "110105199003071239", "13812345678"} {
		if strings.Contains(zh, secret) {
			t.Errorf("the review shows %q unmasked", secret)
		}
	}
	en := f.certPage(t, page, "org", "en", 200)
	mustContain(t, "review (en)", en, "Gold", "Level 3 (Senior Worker)", "place 1 of 2 eligible participants", "Gold: top 1", "Silver")

	// Overrides need a reason and something to change.
	st, _, body := f.postForm(t, page+"/overrides", "org", url.Values{"contestant": {"ben"}, "level": {"4"}})
	if st != 400 {
		t.Fatalf("override without a reason: %d", st)
	}
	mustContain(t, "override without a reason", body, "请填写原因", `id="ov-status-ben"`)
	st, _, body = f.postForm(t, page+"/overrides", "org", url.Values{"contestant": {"ben"}, "reason": {"x"}})
	if st != 400 {
		t.Fatalf("override without a change: %d", st)
	}
	mustContain(t, "override without a change", body, "请至少选择")
	st, loc, _ := f.postForm(t, page+"/overrides", "org", url.Values{"contestant": {"ben"}, "level": {"4"}, "reason": {"jury decision"}})
	if st != 303 || loc != page+"?ok=cert_overridden#c-ben" {
		t.Fatalf("override: %d to %q", st, loc)
	}
	body = f.certPage(t, page+"?ok=cert_overridden", "org", "en", 200)
	mustContain(t, "after the override", body, "Override saved", "Overridden", "Certificate level: Level 4 (Intermediate Worker)", "jury decision",
		`action="/contests/fin/certificates/overrides/ben/clear"`)

	// Finalizing asks first, listing who gets what.
	body = f.certPage(t, page+"?confirm=finalize", "org", "zh", 200)
	mustContain(t, "confirmation", body, `id="finalize-confirm"`, "确认定稿：将颁发 2 份证书。", `id="confirm-winners"`, "四级/中级工")
	st, _, body = f.postForm(t, page+"/finalize", "org", url.Values{})
	if st != 400 {
		t.Fatalf("finalize without a reason: %d", st)
	}
	mustContain(t, "finalize without a reason", body, `id="finalize-confirm"`)
	st, loc, _ = f.postForm(t, page+"/finalize", "org", url.Values{"reason": {"approved by the committee"}})
	if st != 303 || loc != page+"?ok=cert_finalized#issued" {
		t.Fatalf("finalize: %d to %q", st, loc)
	}
	body = f.certPage(t, page+"?ok=cert_finalized", "org", "zh", 200)
	numbers := regexp.MustCompile(`<tr id="cert-([^"]+)" data-number`).FindAllStringSubmatch(body, -1)
	if len(numbers) != 2 {
		t.Fatalf("issued certificates: %v", numbers)
	}
	annNo, benNo := numbers[0][1], numbers[1][1]
	mustContain(t, "finalized", body, "已定稿", `id="issued-table"`, "/api/certificates/"+annNo+"/pdf", "winners?format=pdf", "已颁发的证书（2 份）")
	if strings.Contains(body, `id="finalize-start"`) || strings.Contains(body, `/certificates/overrides"`) {
		t.Error("a finalized review still offers to finalize or override")
	}

	// The national number is checked, with what is wrong said.
	st, _, body = f.postForm(t, page+"/"+annNo+"/agency-number", "org", url.Values{"agency_number": {"S123"}, "reason": {"agency list"}})
	if st != 400 {
		t.Fatalf("a short agency number: %d", st)
	}
	mustContain(t, "short agency number", body, "全国统一编号格式不对", "已输入 4 个字符", `value="S123" aria-invalid="true"`,
		`id="lang-switch" href="/contests/fin/certificates?lang=en"`)
	const national = "S000044010001245001234"
	st, _, _ = f.postForm(t, page+"/"+annNo+"/agency-number", "org", url.Values{"agency_number": {national}, "reason": {"agency list"}})
	if st != 303 {
		t.Fatalf("agency number: %d", st)
	}
	// A certificate of another contest is not this page's to change.
	if st, _, _ := f.postForm(t, "/contests/old/certificates/"+annNo+"/revoke", "org", url.Values{"reason": {"x"}}); st != 404 {
		t.Fatalf("revoking through another contest's page: %d", st)
	}
	st, loc, _ = f.postForm(t, page+"/"+benNo+"/revoke", "org", url.Values{"reason": {"appeal upheld"}})
	if st != 303 || loc != page+"?ok=cert_revoked#cert-"+benNo {
		t.Fatalf("revoke: %d to %q", st, loc)
	}
	body = f.certPage(t, page, "org", "en", 200)
	mustContain(t, "after revoking", body, national, "appeal upheld", "revoked")

	// The organizers see each certificate's verification code, and link to
	// its verification page with it.
	codes := map[string]string{}
	for _, m := range regexp.MustCompile(`href="/verify/([^"?]+)\?code=([0-9A-Z]+)" class="verify-link"`).FindAllStringSubmatch(body, -1) {
		codes[m[1]] = m[2]
	}
	annCode, benCode := codes[annNo], codes[benNo]
	if len(annCode) != certificate.CodeLength || len(benCode) != certificate.CodeLength {
		t.Fatalf("verification links: %v", codes)
	}
	mustContain(t, "codes on the review", body, `<code class="cert-code"`, certificate.FormatCode(annCode))

	// The public verification page: by number alone whether it holds, and a
	// form for the code; with the code, the holder masked.
	// The language switch keeps the page's query, the code with it.
	langSwitch := regexp.MustCompile(`id="lang-switch" href="[^"]*"`)
	hidden := func(where, body string, what ...string) {
		t.Helper()
		body = langSwitch.ReplaceAllString(body, "")
		for _, w := range what {
			if strings.Contains(body, w) {
				t.Errorf("%s shows %q", where, w)
			}
		}
	}
	body = f.certPage(t, "/verify/"+annNo, "", "zh", 200)
	mustContain(t, "verify by number", body, `data-status="valid"`, "证书有效", `data-scope="status"`, `id="verify-code-form"`, `name="code"`, "核验通过")
	hidden("verify by number", body, "安娜", "安*", "110105", "三级/高级工", "金牌", "数据竞赛", national)
	body = f.certPage(t, "/verify/"+annNo+"?code="+annCode, "", "zh", 200)
	mustContain(t, "verify valid", body, `data-status="valid"`, "证书有效", "安*", "110105********1239", "三级/高级工", "金牌", "数据竞赛", "市级竞赛", national, "核验通过")
	hidden("verify valid", body, "110105199003071239", "安娜", `id="verify-code-form"`, annCode)
	body = f.certPage(t, "/verify/"+annNo+"?code="+annCode, "", "en", 200)
	mustContain(t, "verify valid (en)", body, "Valid certificate", "Data contest", "Gold", "Level 3 (Senior Worker)", "city")
	body = f.certPage(t, "/verify/"+annNo+"?code="+benCode, "", "en", 200)
	mustContain(t, "verify, wrong code (en)", body, `data-scope="status"`, `id="verify-code-wrong"`, "This code is not the certificate&#39;s", `name="lang" value="en"`)
	hidden("verify, wrong code", body, "Data contest", "Gold", "110105", benCode)
	body = f.certPage(t, "/verify/"+benNo, "", "zh", 200)
	mustContain(t, "verify revoked", body, `data-status="revoked"`, "证书已撤销", `id="verify-revoked"`)
	hidden("verify revoked", body, "appeal upheld", "本*明")
	body = f.certPage(t, "/verify/"+benNo+"?code="+strings.ToLower(certificate.FormatCode(benCode)), "", "en", 200)
	mustContain(t, "verify revoked (en)", body, "Revoked", "appeal upheld", "本*明")
	body = f.certPage(t, "/verify/nope", "", "en", 404)
	mustContain(t, "verify unknown", body, `data-status="unknown"`, "No certificate has this number")

	// A record changed behind the signature's back fails verification.
	ctx := context.Background()
	key := "arena:{fin}:cert:records"
	raw, err := f.Redis.HGet(ctx, key, annNo).Result()
	if err != nil || !strings.Contains(raw, `"rank":1`) {
		t.Fatalf("stored record of %s: %v %.200s", annNo, err, raw)
	}
	if err := f.Redis.HSet(ctx, key, annNo, strings.Replace(raw, `"rank":1`, `"rank":2`, 1)).Err(); err != nil {
		t.Fatal(err)
	}
	body = f.certPage(t, "/verify/"+annNo+"?code="+annCode, "", "zh", 200)
	mustContain(t, "verify tampered", body, `data-status="invalid"`, "证书无效：签名不符", "无效：记录与签名不符")
	body = f.certPage(t, "/verify/"+annNo, "", "en", 200)
	mustContain(t, "verify tampered (en)", body, "Invalid: the signature does not hold")
}

// TestIntegrationCertificateScoresForm imports an imported part's scores
// from the page: a wrong file is refused with its problems, a right one
// fills the part's column.
func TestIntegrationCertificateScoresForm(t *testing.T) {
	f := certFixture(t)
	ctx := context.Background()
	now := time.Now()
	contests, board := contest.NewStore(f.Redis), scoreboard.NewStore(f.Redis)
	admin := &contest.Admin{Contests: contests, Board: board, Audit: audit.New(f.Redis)}
	ct := &contest.Contest{ID: "parts", Title: challenges.Text{Zh: "分项赛"}, Start: now.Add(-3 * time.Hour), End: now.Add(-time.Hour),
		Tier: "provincial-1", Challenges: []contest.Challenge{{Slug: "hello", Title: challenges.Text{En: "Hello"}, Kind: "program", Points: 100,
			Languages: []string{"python3"}, Package: strings.Repeat("a", 64)}},
		Certificates: &rules.Rules{Occupation: "区块链应用操作员", OccupationCode: "4-04-05-06", LowestLevel: rules.Level4,
			Parts:  []rules.Part{{Name: "theory", Title: "理论", Weight: 0.3}, {Name: "practical", Title: "实操", Weight: 0.7, Challenges: []string{"hello"}}},
			Levels: []rules.Promotion{{Level: rules.Level3, Placing: rules.Placing{TopN: 1}}}},
		Staff: contest.Staff{Organizers: []string{"org"}}}
	if err := admin.Save(ctx, ct, "org", "contest.create", "test"); err != nil {
		t.Fatal(err)
	}
	if err := admin.Enroll(ctx, "parts", scoreboard.Contestant{ID: "ann", Name: "安娜"}, scoreboard.Contestant{ID: "ben", Name: "本杰明"}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Unfreeze(ctx, "parts", "org", "results"); err != nil {
		t.Fatal(err)
	}
	const page = "/contests/parts/certificates"
	body := f.certPage(t, page, "org", "zh", 200)
	mustContain(t, "review with parts", body, `id="scores-form"`, `<option value="theory">理论</option>`, ">实操</th>")

	send := func(csv, reason string) (int, string, string) {
		t.Helper()
		var b strings.Builder
		b.WriteString("--X\r\nContent-Disposition: form-data; name=\"part\"\r\n\r\ntheory\r\n")
		b.WriteString("--X\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\n" + reason + "\r\n")
		b.WriteString("--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"theory.csv\"\r\nContent-Type: text/csv\r\n\r\n" + csv + "\r\n--X--\r\n")
		resp := f.Request(t, "POST", page+"/scores", "org", "multipart/form-data; boundary=X", strings.NewReader(b.String()))
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(out)
	}
	if st, _, body := send("username,score\nann,80\n", ""); st != 400 || !strings.Contains(body, "请填写原因") {
		t.Fatalf("scores without a reason: %d %.300s", st, visibleText(body))
	}
	st, _, body := send("username,score\nann,80\nnobody,70\n", "exam results")
	if st != 400 || !strings.Contains(body, "nobody") {
		t.Fatalf("scores of a stranger: %d %.600s", st, visibleText(body))
	}
	st, loc, _ := send("username,score\nann,80\nben,55\n", "exam results")
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, page+"?scores=2&part=theory") {
		t.Fatalf("scores: %d to %q", st, loc)
	}
	body = f.certPage(t, loc, "org", "zh", 200)
	mustContain(t, "after the import", body, "已导入 2 个成绩（理论）。", `<td class="num">80</td>`, `<td class="num">55</td>`)
}

// multipartForm sends fields and one file as a page form as user.
func (f *fixture) multipartForm(t *testing.T, path, user string, fields map[string]string, fileField, fileName, file string) (int, string, string) {
	t.Helper()
	var b strings.Builder
	for k, v := range fields {
		b.WriteString("--X\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n")
	}
	if fileField != "" {
		b.WriteString("--X\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"" + fileName + "\"\r\n\r\n" + file + "\r\n")
	}
	b.WriteString("--X--\r\n")
	resp := f.Request(t, "POST", path, user, "multipart/form-data; boundary=X", strings.NewReader(b.String()))
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(out)
}

// TestIntegrationIssuedCertificateForms: once finalized, the organizer
// imports national numbers and adjusts the template from the page, which
// says where links point; each holder finds their own certificates on
// their account page, in both languages.
func TestIntegrationIssuedCertificateForms(t *testing.T) {
	f := certFixture(t)
	ctx := context.Background()
	if _, err := f.Admin.Unfreeze(ctx, "fin", "org", "results"); err != nil {
		t.Fatal(err)
	}
	_, recs, err := f.Certificates.Finalize(ctx, "fin", "org", "approved")
	if err != nil || len(recs) != 2 {
		t.Fatalf("finalize: %v", err)
	}
	const page = "/contests/fin/certificates"
	body := f.certPage(t, page, "org", "en", 200)
	mustContain(t, "issued", body, `id="agency-import-form"`, `id="template-form"`, `id="export-records"`,
		"Certificate QR codes and verification links point to https://arena.example.org")

	csv := "certificate_number,agency_number\n" + recs[0].Number + ",S000044010001245000021\n" + recs[1].Number + ",S000044010001245000021\n"
	st, _, body := f.multipartForm(t, page+"/agency-numbers", "org", map[string]string{"reason": "agency list"}, "file", "n.csv", csv)
	if st != 400 || !strings.Contains(body, "已在第 2 行出现") || !strings.Contains(body, `id="agency-import-form"`) {
		t.Fatalf("one number twice: %d %.600s", st, visibleText(body))
	}
	csv = strings.Replace(csv, "21\n", "22\n", 2)
	csv = strings.Replace(csv, "S000044010001245000022\n", "S000044010001245000021\n", 1)
	st, loc, _ := f.multipartForm(t, page+"/agency-numbers", "org", map[string]string{"reason": "agency list"}, "file", "n.csv", csv)
	if st != http.StatusSeeOther || !strings.Contains(loc, "ok=cert_agency_import") {
		t.Fatalf("import: %d %q", st, loc)
	}
	body = f.certPage(t, loc, "org", "zh", 200)
	mustContain(t, "after the import", body, "S000044010001245000021", "S000044010001245000022", "全国统一编号已导入")

	st, loc, _ = f.multipartForm(t, page+"/template", "org", map[string]string{"title": "技能竞赛证书", "issuer": "竞赛组委会\r\n评价机构", "reason": "wording"}, "", "", "")
	if st != http.StatusSeeOther || !strings.Contains(loc, "ok=cert_template") {
		t.Fatalf("template: %d %q", st, loc)
	}
	body = f.certPage(t, loc, "org", "zh", 200)
	mustContain(t, "after the template", body, `value="技能竞赛证书"`, "竞赛组委会\n评价机构", "证书模板已保存")
	if st, _, body := f.multipartForm(t, page+"/template", "org", map[string]string{"title": "x", "reason": "logo"}, "logo", "logo.png", "not a picture"); st != 400 ||
		!strings.Contains(body, "logo") {
		t.Fatalf("a logo that is no image: %d %.300s", st, visibleText(body))
	}

	// Each holder's account page: their own certificate, its PDF and record.
	for _, lang := range []string{"zh", "en"} {
		for i, user := range []string{"ann", "ben"} {
			body := f.certPage(t, "/account", user, lang, 200)
			mine, other := recs[i].Number, recs[1-i].Number
			mustContain(t, "account of "+user, body, `data-number="`+mine+`"`, `href="/api/certificates/`+mine+`/pdf"`,
				`href="/api/certificates/`+mine+`/record"`, "https://arena.example.org/verify/"+mine)
			if strings.Contains(body, other) {
				t.Errorf("%s's account page shows %s", user, other)
			}
		}
	}
	body = f.certPage(t, "/account", "org", "en", 200)
	mustContain(t, "an organizer's account", body, "No certificates yet.")
	if st, _, _ := f.page(t, "/account", "", "en"); st != http.StatusSeeOther && st != http.StatusUnauthorized {
		t.Fatalf("account page without a login: %d", st)
	}
}
