package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestIntegrationRejudgeSkippedInChinese: a rejudge applied before its
// submission was graded again says why it was skipped in the page's
// language, and a second apply is refused in it; the API keeps the English.
func TestIntegrationRejudgeSkippedInChinese(t *testing.T) {
	f := newFixture(t, time.Now())
	sid := f.Submit(t, "ann", "print(1)")
	f.Grade(t, accepted())
	st, loc, _ := f.postForm(t, "/contests/run/rejudges", "jury", url.Values{"submissions": {sid}, "reason": {"new tests"}})
	if st != 303 {
		t.Fatalf("rejudge: %d", st)
	}
	rid := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/contests/run/rejudges/")
	path := "/contests/run/rejudges/" + rid
	if st, _, _ := f.postForm(t, path+"/apply", "jury", url.Values{}); st != 303 {
		t.Fatalf("apply: %d", st)
	}
	_, zh, _ := f.page(t, path, "jury", "zh")
	mustContain(t, "the applied rejudge (zh)", zh, "跳过 <small>尚未评测完</small>")
	_, en, _ := f.page(t, path, "jury", "en")
	mustContain(t, "the applied rejudge (en)", en, "not graded yet")
	if strings.Contains(visibleText(zh), "not graded yet") {
		t.Error("the English reason is on the Chinese page")
	}

	st, raw, _ := f.Call(t, "POST", path+"/apply?lang=zh", "jury", "", "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	body := string(raw)
	if st != 409 {
		t.Fatalf("a second apply: %d", st)
	}
	mustContain(t, "a second apply", body, "该重判已应用或已取消")
	if strings.Contains(visibleText(body), "already applied") {
		t.Error("the English refusal is on the Chinese page")
	}
	var out struct {
		Entries []struct {
			Skipped     string `json:"skipped"`
			SkippedText struct {
				Code string `json:"message_code"`
			} `json:"skipped_text"`
		} `json:"entries"`
	}
	if st := f.JSON(t, "GET", "/api/contests/run/rejudges/"+rid, "jury", "", &out); st != 200 || len(out.Entries) != 1 ||
		out.Entries[0].Skipped != "not graded yet" || out.Entries[0].SkippedText.Code != "rejudge.not_graded" {
		t.Errorf("the API's rejudge: %d %+v", st, out)
	}
}
