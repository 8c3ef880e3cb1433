package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/skillarena/arena/server/certificate/rules"
)

// TestIntegrationCertificateTiesPreviewAndScoreCheck: the review says who
// won a tie at a cutoff and on what, and places within a group; a score
// file is checked before it is imported and 缺考 shows as such; a status
// change is previewed (who moves, before → after) and applied from the
// preview with a reason.
func TestIntegrationCertificateTiesPreviewAndScoreCheck(t *testing.T) {
	f := certFixture(t)
	ctx := context.Background()
	ct, err := f.Contests.Get(ctx, "fin")
	if err != nil {
		t.Fatal(err)
	}
	// ann: practical 100, ben: practical 60 (the fixture's results).
	rs := ct.Certificates
	rs.Parts = []rules.Part{{Name: "theory", Title: "理论", Weight: 0.5}, {Name: "practical", Title: "实操", Weight: 0.5, Challenges: []string{"hello"}}}
	rs.TieBreak = []string{"practical"}
	rs.Levels = append(rs.Levels, rules.Promotion{Level: rules.Level4, Who: rules.Student, Placing: rules.Placing{TopN: 1}},
		rules.Promotion{Level: rules.Level2, Placing: rules.Placing{TopN: 1}, Minimums: rules.Minimums{MinParts: map[string]float64{"theory": 70}}})
	if err := f.Admin.Save(ctx, ct, "org", "contest.update", "theory exam added"); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := f.Call(t, "POST", "/api/contests/fin/unfreeze", "org", `{"reason":"results"}`); st != 200 {
		t.Fatalf("unfreeze: %d", st)
	}
	const page = "/contests/fin/certificates"
	send := func(csv string, fields ...string) (int, string, string) {
		t.Helper()
		var b strings.Builder
		b.WriteString("--X\r\nContent-Disposition: form-data; name=\"part\"\r\n\r\ntheory\r\n")
		for i := 0; i+1 < len(fields); i += 2 {
			b.WriteString("--X\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + fields[i+1] + "\r\n")
		}
		b.WriteString("--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"theory.csv\"\r\nContent-Type: text/csv\r\n\r\n" + csv + "\r\n--X--\r\n")
		resp := f.Request(t, "POST", page+"/scores", "org", "multipart/form-data; boundary=X", strings.NewReader(b.String()))
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(out)
	}

	// Checked, not imported: a wrong name and 缺考.
	st, _, body := send("用户名,姓名,成绩\nann,张三,60\nben,本杰明,缺考\n", "dry_run", "1")
	if st != 200 {
		t.Fatalf("check: %d %.500s", st, visibleText(body))
	}
	mustContain(t, "checked file", body, `id="score-check"`, "成绩文件检查结果（未导入）", "发现 1 个问题", `第 2 行：姓名：&#34;张三&#34; 不是 ann（`,
		`<tr data-contestant="ben"><td class="num">3</td>`, "缺考")
	st, _, body = send("用户名,姓名,成绩\nann,安娜,60\nben,本杰明,100\n", "dry_run", "1")
	mustContain(t, "clean file checked", body, `id="score-ok"`, "将导入 2 个成绩、0 个缺考")
	if st != 200 || strings.Contains(body, `class="tag tag-warn absent"`) {
		t.Fatalf("check of a clean file: %d", st)
	}
	if st, _, _ := send("用户名,姓名,成绩\nann,安娜,60\nben,本杰明,100\n", "reason", "exam"); st != http.StatusSeeOther {
		t.Fatalf("import: %d", st)
	}

	// ann and ben tie at 80; practical decides gold: ann 100 against 60.
	zh := f.certPage(t, page, "org", "zh", 200)
	mustContain(t, "ties (zh)", zh, "与 ben 并列第 1 名，处在金牌（前 1 名）的分界处：实操领先（100 对 60），入选",
		"与 ann 并列第 1 名，处在金牌（前 1 名）的分界处：实操落后（60 对 100），未入选", "在学生中第 1 名（共 1 名）", "前 1 名，仅学生，组内排名",
		"名次达到二级/技师的要求，但理论 60 低于最低要求 70")
	en := f.certPage(t, page, "org", "en", 200)
	mustContain(t, "ties (en)", en, "tied with ann at place 1 at the cutoff of Gold (top 1): out, behind on 实操 (60 against 100)", "among students: place 1 of 1", "placed for Level 2 (Technician), but 理论 60 is below its minimum 70")

	// Preview: disqualifying ann moves ben up; nothing changes yet.
	st, _, body = f.postForm(t, page+"/overrides/preview", "org", url.Values{"contestant": {"ann"}, "status": {"disqualified"}})
	if st != 200 {
		t.Fatalf("preview: %d %.500s", st, visibleText(body))
	}
	mustContain(t, "preview", body, `id="override-preview"`, "调整 ann 的影响预览", "身份: 取消资格",
		`<tr data-contestant="ben"><th scope="row">本*明 <code>ben</code></th><td class="status">正式选手</td><td class="rank">1</td><td class="award">银牌 → 金牌</td><td class="level">四级/中级工 → 二级/技师</td>`,
		`<td class="status">正式选手 → 取消资格</td>`, `id="preview-apply"`, `name="status" value="disqualified"`)
	if strings.Contains(body, "安娜") {
		t.Error("the preview shows a name unmasked")
	}
	if _, b, _ := f.Call(t, "GET", "/api/contests/fin/certificates", "org", ""); strings.Contains(string(b), `"override"`) {
		t.Fatal("the preview applied the change")
	}
	// A preview of nobody is refused with the form open again.
	if st, _, _ := f.postForm(t, page+"/overrides/preview", "org", url.Values{"contestant": {"nobody"}, "status": {"disqualified"}}); st != 400 {
		t.Fatalf("preview of a stranger: %d", st)
	}
	// Applied from the preview's form, with a reason.
	st, loc, _ := f.postForm(t, page+"/overrides", "org", url.Values{"contestant": {"ann"}, "status": {"disqualified"}, "award": {""}, "level": {""}, "reason": {"copied"}})
	if st != http.StatusSeeOther || !strings.Contains(loc, "ok=cert_overridden") {
		t.Fatalf("apply: %d %q", st, loc)
	}
	body = f.certPage(t, page, "org", "en", 200)
	mustContain(t, "after applying", body, "Overridden", "copied")
}
