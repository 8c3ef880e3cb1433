package roster

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var today = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

var (
	idA = withCheck("11010519900307123")
	idB = withCheck("44030420000229456")
	idC = withCheck("51010719881111002")
)

func problemStrings(sh *Sheet) []string {
	out := make([]string, len(sh.Problems))
	for i, p := range sh.Problems {
		out[i] = p.String()
	}
	return out
}

func gb18030(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func xlsx(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	// A second sheet that must be ignored.
	if _, err := f.NewSheet("notes"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetCellStr("notes", "A1", "ignore me")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseFormats(t *testing.T) {
	chinese := "姓名,身份证号,工作单位,手机号,邮箱,队伍\r\n" +
		"张三," + idA + ",深圳职业技术学院,138 1234 5678,zhang@example.cn,红队\r\n" +
		"李四," + strings.ToLower(idB) + ",杭州职业学院,+86 13900001111,,\r\n"
	want := []Row{
		{Line: 2, Name: "张三", IDNumber: idA, Organization: "深圳职业技术学院", Phone: "13812345678", Email: "zhang@example.cn", Team: "红队"},
		{Line: 3, Name: "李四", IDNumber: idB, Organization: "杭州职业学院", Phone: "13900001111"},
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"UTF-8", []byte(chinese)},
		{"UTF-8 with BOM", append([]byte("\uFEFF"), chinese...)},
		{"GB18030", gb18030(t, chinese)},
		{"tab-separated", []byte(strings.ReplaceAll(chinese, ",", "\t"))},
		{"XLSX", xlsx(t, [][]any{
			{"姓名", "身份证号", "单位", "手机", "邮箱", "团队"},
			{"张三", idA, "深圳职业技术学院", 13812345678, "zhang@example.cn", "红队"},
			{"李四", strings.ToLower(idB), "杭州职业学院", "+86 13900001111"},
		})},
	} {
		sh := Parse(tt.data, today)
		if len(sh.Problems) > 0 {
			t.Errorf("%s: problems %v", tt.name, problemStrings(sh))
			continue
		}
		if !slices.Equal(sh.Rows, want) {
			t.Errorf("%s: rows\n%+v\nwant\n%+v", tt.name, sh.Rows, want)
		}
	}
	if utf8.Valid(gb18030(t, chinese)) {
		t.Error("the GB18030 test data is valid UTF-8, so it tests no decoding")
	}
}

func TestParseEnglishHeadersTitleRowAndBlankLines(t *testing.T) {
	data := "2026 Blockchain Skills Contest — registrations\n\n" +
		"No.,Name,ID number,Organization,Username\n" +
		"1,Ann," + idA + ",Org A,ann\n" +
		"\n" +
		"2,Ben," + idB + ",Org B,\n"
	sh := Parse([]byte(data), today)
	if len(sh.Problems) > 0 {
		t.Fatalf("problems: %v", problemStrings(sh))
	}
	if !sh.HasUsernames || len(sh.Rows) != 2 || sh.Rows[0].Username != "ann" || sh.Rows[1].Username != "" || sh.Rows[1].Line != 6 {
		t.Fatalf("rows: %+v", sh.Rows)
	}
}

func TestParseProblems(t *testing.T) {
	badCheck, good := wrongCheck(idC)
	for _, tt := range []struct {
		name string
		data string
		want []string
	}{
		{"unknown column", "姓名,身份证号,爱好\n张三," + idA + ",围棋\n",
			[]string{`line 1: unknown column "爱好" (column C): expected name, ID number, organization, phone, email, team, username, gender, ID type, category, level, promoted, level certificate number, birth date, education (or 姓名, 身份证号, 单位, 手机, 邮箱, 团队, 用户名, 性别, 证件类型, 人员类别, 现有等级, 上次晋级日期, 现有等级证书编号, 出生日期, 文化程度)`}},
		{"missing column", "name,organization\nAnn,Org\n",
			[]string{`line 1: missing column "ID number" (a header such as "id_number" or "身份证号")`}},
		{"duplicate column", "name,id,身份证号\nAnn," + idA + "," + idA + "\n",
			[]string{`line 1: columns B and C are both "ID number"`}},
		{"empty", "", []string{"the file is empty"}},
		{"header only", "name,id_number\n", []string{"no contestants: the file has a header but no rows"}},
		{"bad rows", "name,id_number,phone,email,username\n" +
			"Ann," + idA + ",13812345678,ann@example.com,ann\n" +
			"Ben," + badCheck + ",,,\n" +
			"," + withCheck("11010519990230123") + ",12345,not-an-email,b c\n" +
			"Cat," + idA + ",,,ANN\n" +
			"Dan," + idB + ",,,,extra\n",
			[]string{
				"line 3: ID number: check digit should be " + string(good),
				"line 4: name: missing",
				"line 4: ID number: birth date 19990230 is not a valid date",
				`line 4: phone: "12345" is not a phone number: give an 11-digit mobile number, a landline with its area code, or +country code`,
				`line 4: email: "not-an-email" is not an email address`,
				`line 4: username: "b c": use letters, digits, '_', '.', '-' (at most 64, starting with a letter or digit)`,
				"line 5: ID number: same as line 2",
				"line 5: username: same as line 2",
				"line 6: column F has a value but no header",
			}},
		{"old xls", "\xD0\xCF\x11\xE0rest", []string{"this is an old Excel .xls file: save it as .xlsx or as CSV"}},
		{"broken xlsx", "PK\x03\x04broken", nil},
	} {
		got := problemStrings(Parse([]byte(tt.data), today))
		if tt.want == nil { // only that it is reported, as a problem of the whole file
			if len(got) != 1 || !strings.HasPrefix(got[0], "not a readable XLSX") {
				t.Errorf("%s: problems %q", tt.name, got)
			}
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: problems\n%s\nwant\n%s", tt.name, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"13812345678", "13812345678", true},
		{"138-1234-5678", "13812345678", true},
		{"+86 138 1234 5678", "13812345678", true},
		{"0086-13812345678", "13812345678", true},
		{"１３８１２３４５６７８", "13812345678", true},
		{"0755-12345678", "075512345678", true},
		{"+44 20 7946 0958", "+442079460958", true},
		{"1381234567", "", false},
		{"138123456789", "", false},
		{"phone", "", false},
		{"5551234", "", false},
	} {
		got, ok := normalizePhone(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("normalizePhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
