package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skillarena/arena/server/roster"
	"github.com/xuri/excelize/v2"
)

// testID completes 17 digits with their GB 11643-1999 check character.
func testID(first17 string) string { return first17 + string(roster.IDCheckDigit(first17)) }

func uploadBody(t *testing.T, fields map[string]string, name string, data []byte) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	return &b, mw.FormDataContentType()
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestIntegrationUsersImport(t *testing.T) {
	f := newFixture(t, time.Now())
	idZhang, idLi := testID("11010519900307123"), testID("44030420000229456")
	clean := "\uFEFF姓名,身份证号,单位,手机,邮箱,团队\r\n" +
		"张三," + idZhang + ",深圳职业技术学院,13812345678,zhang@example.cn,红队\r\n" +
		"李四," + idLi + ",杭州职业学院,,,\r\n"
	upload := func(user, query string, fields map[string]string, data string) *http.Response {
		body, ctype := uploadBody(t, fields, "list.csv", []byte(data))
		return f.Request(t, "POST", "/api/users/import"+query, user, ctype, body)
	}
	contestants := func() string {
		resp := f.Request(t, "GET", "/api/users?contest=run", "org", "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("list users: %s", resp.Status)
		}
		return readAll(t, resp)
	}

	// Only organizers import and export; judges may list, masked.
	for _, tt := range []struct {
		method, path, user string
		want               int
	}{
		{"POST", "/api/users/import", "", 401},
		{"POST", "/api/users/import", "ann", 403},
		{"POST", "/api/users/import", "jury", 403},
		{"POST", "/api/users/import", "org2", 403},
		{"GET", "/api/users/export", "jury", 403},
		{"GET", "/api/users/export", "ann", 403},
		{"GET", "/api/users", "ann", 403},
		{"GET", "/api/users", "", 401},
		{"GET", "/api/users?contest=run", "jury", 200},
		{"GET", "/api/users?contest=run", "jury2", 403},
		{"GET", "/api/users", "jury", 400},
		{"GET", "/api/users", "admin", 200},
		{"GET", "/api/users/export?contest=run", "org2", 403},
		{"GET", "/api/users/export?contest=run", "admin", 200},
		{"GET", "/api/users/export", "admin", 400},
		{"GET", "/api/users/me", "", 401},
	} {
		var resp *http.Response
		if tt.method == "POST" {
			resp = upload(tt.user, "", map[string]string{"contest": "run"}, clean)
		} else {
			resp = f.Request(t, tt.method, tt.path, tt.user, "", nil)
		}
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s as %q: %s, want %d", tt.method, tt.path, tt.user, resp.Status, tt.want)
		}
	}
	before := contestants()

	// One bad row: 422 naming the line, nothing imported.
	bad := strings.Replace(clean, idLi, idLi[:17]+"0", 1)
	if idLi[17] == '0' {
		bad = strings.Replace(clean, idLi, idLi[:17]+"1", 1)
	}
	resp := upload("org", "", map[string]string{"contest": "run"}, bad)
	var rejected importRejected
	if resp.StatusCode != 422 || json.NewDecoder(resp.Body).Decode(&rejected) != nil {
		t.Fatalf("bad row: %s", resp.Status)
	}
	if rejected.Error.Code != "invalid_file" || len(rejected.Problems) != 1 || rejected.Problems[0].Line != 3 ||
		rejected.Problems[0].String() != "line 3: ID number: check digit should be "+idLi[17:] {
		t.Fatalf("bad row answer: %+v", rejected)
	}
	if after := contestants(); after != before {
		t.Fatalf("a rejected file changed the contestants:\n%s\n%s", before, after)
	}

	// Dry run: 200 with the rows and their usernames, masked; nothing imported.
	resp = upload("org", "?dry_run=1", map[string]string{"contest": "run"}, clean)
	var preview importPreview
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&preview) != nil {
		t.Fatalf("dry run: %s", resp.Status)
	}
	if !preview.OK || len(preview.Rows) != 2 || preview.Rows[0].Username != "run001" || preview.Rows[0].IDNumber != "110105********"+idZhang[14:] ||
		preview.Rows[0].Phone != "138****5678" || preview.Rows[0].Team != "红队" {
		t.Fatalf("preview: %+v", preview)
	}
	if after := contestants(); after != before {
		t.Fatal("a dry run changed the contestants")
	}
	if resp := upload("org", "", map[string]string{"contest": "nope"}, clean); resp.StatusCode != 404 {
		t.Fatalf("unknown contest: %s", resp.Status)
	}
	if resp := upload("org", "", map[string]string{"contest": "run", "prefix": "no way"}, clean); resp.StatusCode != 400 {
		t.Fatalf("bad prefix: %s", resp.Status)
	}

	// The import: the login slips as CSV, once.
	resp = upload("org", "", map[string]string{"contest": "run"}, clean)
	slips := readAll(t, resp)
	if resp.StatusCode != 201 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "passwords-run.csv") || !strings.HasPrefix(slips, "\uFEFF") {
		t.Fatalf("import: %s %v\n%s", resp.Status, resp.Header, slips)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(slips, "\uFEFF"))).ReadAll()
	if err != nil || len(records) != 3 || records[1][0] != "run001" || records[1][2] != "张三" {
		t.Fatalf("slips: %q, %v", records, err)
	}
	resp = f.Request(t, "POST", "/api/auth/login", "", "application/json",
		strings.NewReader(`{"username":"run001","password":"`+records[1][1]+`"}`))
	var login loginResponse
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&login) != nil {
		t.Fatalf("log in with the slip: %s", resp.Status)
	}
	f.Tokens["run001"] = login.Token

	// The contestant sees their team and masked personal data.
	resp = f.Request(t, "GET", "/api/users/me", "run001", "", nil)
	me := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(me, `"team":"红队"`) || !strings.Contains(me, `"id_number":"110105********`) ||
		!strings.Contains(me, `"email":"z***@example.cn"`) || strings.Contains(me, idZhang) || strings.Contains(me, "13812345678") {
		t.Fatalf("me: %s %s", resp.Status, me)
	}

	// Lists mask; the organizer's export does not.
	list := contestants()
	if !strings.Contains(list, `"id":"run001"`) || strings.Contains(list, idZhang) || strings.Contains(list, "zhang@example.cn") {
		t.Fatalf("contestants of run: %s", list)
	}
	resp = f.Request(t, "GET", "/api/users/export?contest=run", "org", "", nil)
	export := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.HasPrefix(export, "\uFEFFusername,name,id_number,") ||
		!strings.Contains(export, "run001,张三,"+idZhang+",深圳职业技术学院,13812345678,zhang@example.cn,红队,contestant") {
		t.Fatalf("CSV export: %s\n%s", resp.Status, export)
	}
	resp = f.Request(t, "GET", "/api/users/export?contest=run&format=xlsx", "org", "", nil)
	wb, err := excelize.OpenReader(strings.NewReader(readAll(t, resp)))
	if err != nil {
		t.Fatalf("XLSX export: %s %v", resp.Status, err)
	}
	rows, _ := wb.GetRows(wb.GetSheetName(0))
	if len(rows) != 5 || rows[0][2] != "id_number" || rows[3][2] != idZhang {
		t.Fatalf("XLSX export rows: %q", rows)
	}
	if resp := f.Request(t, "GET", "/api/users/export?format=pdf", "org", "", nil); resp.StatusCode != 400 {
		t.Fatalf("unknown export format: %s", resp.Status)
	}

	// Importing the same people again is refused row by row.
	resp = upload("org", "", map[string]string{"contest": "run"}, clean)
	_ = json.NewDecoder(resp.Body).Decode(&rejected)
	if resp.StatusCode != 422 || len(rejected.Problems) != 2 || rejected.Problems[0].Message != "already belongs to user run001" {
		t.Fatalf("re-import: %s %+v", resp.Status, rejected.Problems)
	}
	if n := strconv.Itoa(strings.Count(contestants(), `"id":`)); n != "4" {
		t.Fatalf("contestants of run after the import: %s, want 4", n)
	}
}
