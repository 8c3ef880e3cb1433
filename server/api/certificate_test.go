package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/skillarena/arena/internal/arenatest"
	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/document"
)

func TestIntegrationCertificateRoutes(t *testing.T) {
	f := certFixture(t)
	expect := func(method, path, user, body string, status int, contains ...string) []byte {
		t.Helper()
		st, b, _ := f.Call(t, method, path, user, body)
		if st != status {
			t.Fatalf("%s %s as %q: %d %s, want %d", method, path, user, st, b, status)
		}
		for _, c := range contains {
			if !bytes.Contains(b, []byte(c)) {
				t.Fatalf("%s %s: %s lacks %q", method, path, b, c)
			}
		}
		return b
	}
	expect("GET", "/api/contests/fin/certificates", "org", "", 409, "not final")
	expect("GET", "/api/contests/fin/certificates", "ann", "", 403, "forbidden")
	expect("POST", "/api/contests/fin/unfreeze", "org", `{"reason":"results"}`, 200)
	expect("GET", "/api/contests/fin/certificates", "org", "", 200, `"contestant":"ann"`, `"rank":1`, `"level":3`, `"award":"gold"`,
		`"id_number":"110105********1239"`, `"name":"安*"`)
	expect("POST", "/api/contests/fin/certificates/overrides", "org", `{"contestant":"ben","level":"四级"}`, 400, "reason")
	expect("POST", "/api/contests/fin/certificates/overrides", "org", `{"contestant":"ben","level":"四级","reason":"jury decision"}`, 200, `"level":4`)
	expect("DELETE", "/api/contests/fin/certificates/overrides/ben?reason=", "org", "", 400, "reason")
	expect("POST", "/api/contests/fin/certificates/finalize", "org", `{}`, 400, "reason")
	b := expect("POST", "/api/contests/fin/certificates/finalize", "org", `{"reason":"approved"}`, 201, `"certificates":["fin-`)
	var fin struct{ Certificates []string }
	_ = json.Unmarshal(b, &fin)
	if len(fin.Certificates) != 2 {
		t.Fatalf("finalize: %s", b)
	}
	annNo, benNo := fin.Certificates[0], fin.Certificates[1]
	expect("POST", "/api/contests/fin/certificates/finalize", "org", `{}`, 409, "finalized")
	expect("GET", "/api/contest/fin/certificates", "org", "", 404)

	// The holder (and organizers) get the signed record; it checks offline with the published keys.
	expect("GET", "/api/certificates/"+annNo+"/record", "", "", 401)
	expect("GET", "/api/certificates/"+annNo+"/record", "ben", "", 404)
	rec := expect("GET", "/api/certificates/"+annNo+"/record", "ann", "", 200, `"signature":`, `"id_number":"110105199003071239"`)
	keys := expect("GET", "/api/certificates/keys", "", "", 200, `"algorithm":"Ed25519"`)
	pubs, err := certificate.ParsePublicKeys(keys)
	if err != nil {
		t.Fatal(err)
	}
	var r certificate.Record
	if err := json.Unmarshal(rec, &r); err != nil || certificate.VerifyRecord(r, pubs...) != nil {
		t.Fatalf("record does not verify offline: %v", err)
	}
	r.Rank = 2
	if err := certificate.VerifyRecord(r, pubs...); !errors.Is(err, certificate.ErrBadSignature) {
		t.Fatalf("tampered record: %v", err)
	}
	if len(r.Code) != certificate.CodeLength {
		t.Fatalf("the record has no verification code: %s", rec)
	}
	annCode := r.Code

	// Anyone may verify. By number alone, or with a wrong code, only
	// whether it holds; with the code, the holder masked. Name, ID number
	// and score never show unmasked; masked only with the code.
	holder := []string{"安娜", "安*", "110105199003071239", "110105********1239", `"total"`, "100.00", "三级/高级工", "数据竞赛", `"holder"`}
	page := func(path string) (int, string) {
		st, b, _ := f.Call(t, "GET", path, "", "", "Accept", "text/html")
		return st, string(b)
	}
	api := func(path string) (int, string) {
		st, b, _ := f.Call(t, "GET", path, "", "")
		return st, string(b)
	}
	for _, tc := range []struct {
		name   string
		get    func(string) (int, string)
		path   string
		want   []string
		hidden []string
	}{
		{"API, number alone", api, "/api/certificates/" + annNo, []string{`"status":"valid"`, `"signature_valid":true`, `"scope":"status"`}, holder},
		{"API, wrong code", api, "/api/certificates/" + annNo + "?code=0000000000000000000A", []string{`"status":"valid"`, `"scope":"status"`}, holder},
		{"API, another certificate's code", api, "/api/certificates/" + benNo + "?code=" + annCode, []string{`"scope":"status"`}, holder},
		{"API, the code", api, "/api/certificates/" + annNo + "?code=" + annCode, []string{`"scope":"full"`, `"name":"安*"`,
			`"id_number":"110105********1239"`, `"level_name":"三级/高级工"`}, []string{"安娜", "110105199003071239", `"total"`, annCode}},
		{"page, number alone", page, "/verify/" + annNo, []string{`data-status="valid"`, "证书有效", `data-scope="status"`, `id="verify-code-form"`}, holder},
		{"page, wrong code", page, "/verify/" + annNo + "?code=0000000000000000000B", []string{`data-status="valid"`, `id="verify-code-wrong"`}, holder},
		{"page, the code", page, "/verify/" + annNo + "?code=" + certificate.FormatCode(annCode), []string{`data-scope="full"`, "安*",
			"110105********1239", "三级/高级工", "数据竞赛"}, []string{"安娜", "110105199003071239", "100.00", `id="verify-code-wrong"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, body := tc.get(tc.path)
			if st != 200 {
				t.Fatalf("%s: %d %.300s", tc.path, st, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q: %.2000s", tc.path, w, body)
				}
			}
			for _, h := range tc.hidden {
				if strings.Contains(body, h) {
					t.Errorf("%s shows %q", tc.path, h)
				}
			}
		})
	}
	expect("GET", "/api/certificates/nope", "", "", 404, "not_found")
	if st, body := page("/verify/nope?lang=en"); st != 404 || !strings.Contains(body, "No certificate has this number") {
		t.Fatalf("verify page of an unknown number: %d %s", st, body)
	}
	// Three wrong codes above; the address may send arenatest.WrongCodes.
	for i := 3; i < arenatest.WrongCodes; i++ {
		expect("GET", "/api/certificates/"+annNo+"?code=0000000000000000000C", "", "", 200, `"scope":"status"`)
	}
	expect("GET", "/api/certificates/"+annNo+"?code=0000000000000000000D", "", "", 429, "rate_limited")
	expect("GET", "/api/certificates/"+annNo+"?code="+annCode, "", "", 429, "rate_limited")
	if st, body := page("/verify/" + annNo + "?code=" + annCode); st != 429 || strings.Contains(body, "安*") {
		t.Fatalf("verify page past the limit: %d", st)
	}
	expect("GET", "/api/certificates/"+annNo, "", "", 200, `"scope":"status"`)

	// Exports.
	st, csvBody, hdr := f.Call(t, "GET", "/api/contests/fin/winners", "org", "")
	if st != 200 || !bytes.HasPrefix(csvBody, []byte("\xef\xbb\xbf名次,姓名")) || !strings.Contains(hdr.Get("Content-Disposition"), "winners-fin.csv") ||
		!bytes.Contains(csvBody, []byte("110105199003071239")) || !bytes.Contains(csvBody, []byte("13812345678")) {
		t.Fatalf("CSV export: %d %s", st, csvBody)
	}
	expect("GET", "/api/contests/fin/winners", "ann", "", 403)
	expect("GET", "/api/contests/fin/winners?format=doc", "org", "", 400, "format")
	expect("GET", "/api/contests/fin/winners?format=json&lang=en", "org", "", 200, `"final":true`, `"number":"`+annNo+`"`,
		`"verification_code":"`+annCode+`"`, `"verification_url":"`+arenatest.PublicURL+`/verify/`+annNo+`?code=`+annCode+`"`)
	st, x, hdr := f.Call(t, "GET", "/api/contests/fin/winners?format=xlsx", "org", "")
	if st != 200 || !strings.Contains(hdr.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("XLSX export: %d", st)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := wb.GetRows(wb.GetSheetName(0))
	wb.Close()
	if len(rows) != 3 || rows[1][1] != "安娜" || rows[2][1] != "本杰明" {
		t.Fatalf("XLSX rows: %q", rows)
	}
	t.Run("pdf", func(t *testing.T) {
		if _, err := document.FindFont(context.Background(), ""); err != nil {
			testenv.Missing(t, "a Chinese TrueType font: %v", err)
		}
		st, pdf, hdr := f.Call(t, "GET", "/api/contests/fin/winners?format=pdf", "org", "")
		if st != 200 || !bytes.HasPrefix(pdf, []byte("%PDF-")) || hdr.Get("Content-Type") != "application/pdf" {
			t.Fatalf("PDF export: %d %.200s", st, pdf)
		}
		st, pdf, _ = f.Call(t, "GET", "/api/certificates/"+benNo+"/pdf", "ben", "")
		if st != 200 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("holder's PDF: %d %.200s", st, pdf)
		}
	})

	// Agency numbers and revocation.
	expect("PUT", "/api/certificates/"+annNo+"/agency-number", "org", `{"agency_number":"S123"}`, 400, "22")
	expect("PUT", "/api/certificates/"+annNo+"/agency-number", "org", `{"agency_number":"S000044010001245001234","reason":"agency list"}`, 200,
		`"agency_number":"S000044010001245001234"`, `"signature_valid":true`)
	expect("POST", "/api/certificates/"+benNo+"/revoke", "ann", `{"reason":"x"}`, 403)
	expect("POST", "/api/certificates/"+benNo+"/revoke", "org", `{"reason":"appeal lost"}`, 200, "appeal lost")
	st, b, _ = f.Call(t, "GET", "/api/certificates/"+benNo, "", "")
	if st != 200 || !strings.Contains(string(b), `"status":"revoked"`) || strings.Contains(string(b), "appeal lost") {
		t.Fatalf("revoked, by number alone: %d %s", st, b)
	}
	expect("GET", "/api/certificates/"+benNo+"/pdf", "ben", "", 409, "revoked")
	expect("GET", "/api/contests/fin/audit", "org", "", 200, "certificate.finalize", "certificate.revoke", "certificate.override", "jury decision")
}

// TestIntegrationCertificateAgencyRoutes: what the evaluation agency and
// the holders get once certificates are issued — links under the public
// address whatever the Host header says, the signed records of the whole
// contest, national numbers from a file, a template, a holder's own list —
// and every export in the audit log.
func TestIntegrationCertificateAgencyRoutes(t *testing.T) {
	f := certFixture(t)
	expect := func(method, path, user, body string, status int, contains ...string) []byte {
		t.Helper()
		st, b, _ := f.Call(t, method, path, user, body)
		if st != status {
			t.Fatalf("%s %s as %q: %d %s, want %d", method, path, user, st, b, status)
		}
		for _, c := range contains {
			if !bytes.Contains(b, []byte(c)) {
				t.Fatalf("%s %s: %s lacks %q", method, path, b, c)
			}
		}
		return b
	}
	expect("POST", "/api/contests/fin/unfreeze", "org", `{"reason":"results"}`, 200)
	expect("GET", "/api/contests/fin/certificates/records", "org", "", 409, "not finalized")
	expect("POST", "/api/contests/fin/certificates/finalize", "org", `{"reason":"  "}`, 400, "reason")
	b := expect("POST", "/api/contests/fin/certificates/finalize", "org", `{"reason":"approved by the jury"}`, 201)
	var fin struct{ Certificates []string }
	_ = json.Unmarshal(b, &fin)
	annNo, benNo := fin.Certificates[0], fin.Certificates[1]

	// Links point under the public address, not the Host header's.
	st, body, _ := f.Call(t, "GET", "/api/contests/fin/winners?format=json", "org", "", "Host", "evil.example")
	if st != 200 || !strings.Contains(string(body), arenatest.PublicURL+"/verify/"+annNo) || strings.Contains(string(body), "evil.example") {
		t.Fatalf("winner list links: %d %s", st, body)
	}

	// The signed records of the contest, as arena certificate verify reads them.
	expect("GET", "/api/contests/fin/certificates/records", "ann", "", 403)
	recs := expect("GET", "/api/contests/fin/certificates/records", "org", "", 200, annNo, benNo, `"signature"`)
	var all []certificate.Record
	keys, err := certificate.ParsePublicKeys(expect("GET", "/api/certificates/keys", "", "", 200))
	if err != nil || json.Unmarshal(recs, &all) != nil || len(all) != 2 {
		t.Fatalf("records: %v %s", err, recs)
	}
	for _, r := range all {
		if err := certificate.VerifyRecord(r, keys...); err != nil {
			t.Fatalf("%s does not verify offline: %v", r.Number, err)
		}
	}

	// National numbers from a file, all or nothing, with a reason.
	upload := func(file, reason string) (int, string) {
		body, ctype := arenatest.MultipartBody(map[string]string{"reason": reason}, file)
		resp := f.Request(t, "POST", "/api/contests/fin/certificates/agency-numbers", "org", ctype, body)
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	good := "证书编号,身份证号,全国统一编号\n" + annNo + ",,S000044010001245000011\n,440304200002294568,S000044010001245000012\n"
	if st, out := upload(good, ""); st != 400 || !strings.Contains(out, "reason") {
		t.Fatalf("without a reason: %d %s", st, out)
	}
	if st, out := upload("证书编号,全国统一编号\n"+annNo+",S000044010001245000011\n"+benNo+",S000044010001245000011\n", "agency list"); st != 400 ||
		!strings.Contains(out, "already on line 2") {
		t.Fatalf("one number twice: %d %s", st, out)
	}
	if st, out := upload(good, "agency list of July"); st != 200 || !strings.Contains(out, `"certificates":2`) {
		t.Fatalf("import: %d %s", st, out)
	}
	expect("PUT", "/api/certificates/"+benNo+"/agency-number", "org", `{"agency_number":"S000044010001245000011","reason":"typo"}`, 400, annNo)
	expect("PUT", "/api/certificates/"+benNo+"/agency-number", "org", `{"agency_number":"S000044010001245000013"}`, 400, "reason")

	// The template: title, issuer lines, a logo that must be an image.
	tmpl := func(fields map[string]string, logo []byte) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		if logo != nil {
			fw, _ := mw.CreateFormFile("logo", "logo.png")
			_, _ = fw.Write(logo)
		}
		_ = mw.Close()
		resp := f.Request(t, "PUT", "/api/contests/fin/certificates/template", "org", mw.FormDataContentType(), &buf)
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	if st, out := tmpl(map[string]string{"title": "荣誉证书", "reason": "logo"}, []byte("not an image")); st != 400 || !strings.Contains(out, "logo") {
		t.Fatalf("a logo that is no image: %d %s", st, out)
	}
	if st, out := tmpl(map[string]string{"title": "荣誉证书", "issuer": "1\n2\n3\n4\n5", "reason": "x"}, nil); st != 400 || !strings.Contains(out, "at most 4 lines") {
		t.Fatalf("five issuer lines: %d %s", st, out)
	}
	if st, out := tmpl(map[string]string{"title": "技能竞赛证书", "issuer": "竞赛组委会\n评价机构", "reason": "the agency's wording"}, nil); st != 200 ||
		!strings.Contains(out, `"issuer":["竞赛组委会","评价机构"]`) {
		t.Fatalf("template: %d %s", st, out)
	}
	expect("GET", "/api/contests/fin/certificates/template", "org", "", 200, `"title":"技能竞赛证书"`, `"logo":false`)
	expect("GET", "/api/contests/fin/certificates/template", "ann", "", 403)

	// Holders list their own certificates, with their PDF and record.
	expect("GET", "/api/users/me/certificates", "ann", "", 200, `"number":"`+annNo+`"`, `"pdf":"/api/certificates/`+annNo+`/pdf"`,
		`"agency_number":"S000044010001245000011"`, arenatest.PublicURL+"/verify/"+annNo)
	if b := expect("GET", "/api/users/me/certificates", "ben", "", 200, benNo); bytes.Contains(b, []byte(annNo)) {
		t.Fatalf("ben sees ann's certificate: %s", b)
	}
	expect("GET", "/api/users/me/certificates", "", "", 401)

	// Every export of personal data is in the audit log: an organizer's
	// fetch of one record too, not the holder's own.
	expect("GET", "/api/certificates/"+annNo+"/record", "org", "", 200, annNo)
	expect("GET", "/api/certificates/"+annNo+"/record", "ann", "", 200, annNo)
	expect("GET", "/api/contests/fin/winners?format=csv", "org", "", 200)
	expect("GET", "/api/users/export?contest=fin&format=csv", "org", "", 200)
	entries, err := f.Audit.List(context.Background(), "fin", 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range entries {
		seen[e.Action+" "+e.Target]++
	}
	for _, want := range []string{"certificate.export winners", "certificate.export records", "users.export ", "certificate.agency_numbers ", "certificate.template "} {
		if seen[want] == 0 {
			t.Errorf("the audit log lacks %q: %v", want, seen)
		}
	}
	if seen["certificate.export winners"] != 2 || seen["certificate.export records"] != 2 {
		t.Errorf("winner lists audited %d times, records %d, want 2 and 2", seen["certificate.export winners"], seen["certificate.export records"])
	}
}
