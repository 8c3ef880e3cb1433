package web_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestIntegrationCertificateMessagesInChinese: what the certificate
// service refuses reads in Chinese on the Chinese page — a refusal, and a
// national-number file's problems one by one — with no English sentence.
func TestIntegrationCertificateMessagesInChinese(t *testing.T) {
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
	english := []string{"nothing imported", "national number", "is not a certificate", "finalized", "the results are locked", "problems"}
	noEnglish := func(where, body string) {
		t.Helper()
		text := visibleText(body)
		for _, e := range english {
			if strings.Contains(text, e) {
				t.Errorf("%s: English %q on the Chinese page: %.1500s", where, e, text)
			}
		}
	}

	csv := "certificate_number,agency_number\n" + recs[0].Number + ",S0001\nNO-SUCH,S000044010001245000021\n"
	st, _, body := f.multipartForm(t, page+"/agency-numbers?lang=zh", "org", map[string]string{"reason": "agency list"}, "file", "n.csv", csv)
	if st != 400 {
		t.Fatalf("a bad national-number file: %d %.600s", st, visibleText(body))
	}
	mustContain(t, "a bad national-number file", body, "未导入任何数据：文件中有 2 处问题",
		"第 2 行：全国统一编号：&#34;S0001&#34; 有 5 位，应为 22 位（1 个字母加 21 位数字）",
		"第 3 行：证书编号：&#34;NO-SUCH&#34; 不是本场比赛的证书", `id="error-list"`)
	noEnglish("a bad national-number file", body)

	st, _, body = f.postForm(t, page+"/overrides?lang=zh", "org", url.Values{"contestant": {"ann"}, "status": {"unofficial"}, "reason": {"late"}})
	if st != 409 {
		t.Fatalf("an override after finalizing: %d %.600s", st, visibleText(body))
	}
	mustContain(t, "an override after finalizing", body, "本场比赛的证书已定稿，成绩已锁定")
	noEnglish("an override after finalizing", body)

	// The API keeps its English, with the code beside it.
	var out struct {
		Error struct {
			Message     string `json:"message"`
			MessageCode string `json:"message_code"`
		} `json:"error"`
	}
	st, raw, _ := f.Call(t, "POST", "/api/contests/fin/certificates/overrides", "org", `{"contestant":"ann","status":"unofficial","reason":"late"}`)
	if err := json.Unmarshal(raw, &out); err != nil || st != 409 ||
		out.Error.Message != "certificates of this contest are finalized: the results are locked" || out.Error.MessageCode != "cert.finalized" {
		t.Errorf("the API's refusal: %d %+v", st, out)
	}
}
