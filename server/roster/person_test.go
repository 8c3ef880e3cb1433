package roster

import (
	"slices"
	"strings"
	"testing"
)

func TestParseCertificateColumns(t *testing.T) {
	csv := "姓名,证件类型,身份证号,性别,人员类别,现有等级,上次晋级日期\n" +
		"张三,居民身份证," + idA + ",男,职工,三级/高级工,2024/6/1\n" +
		"李四,护照,e1234567 ,女,学生,,\n" +
		"王五,," + idB + ",,,,\n"
	sh := Parse([]byte(csv), today)
	if len(sh.Problems) > 0 {
		t.Fatalf("problems: %v", problemStrings(sh))
	}
	want := []Row{
		{Name: "张三", IDNumber: idA, Gender: "male", Category: "worker", Level: 3, Promoted: "2024-06-01"},
		{Name: "李四", IDNumber: "E1234567", IDType: "passport", Gender: "female", Category: "student"},
		{Name: "王五", IDNumber: idB},
	}
	for i, w := range want {
		g := sh.Rows[i]
		g.Line = 0
		if g != w {
			t.Errorf("row %d: got %+v, want %+v", i+1, g, w)
		}
	}
}

func TestParseCertificateColumnProblems(t *testing.T) {
	csv := "name,id_number,gender,id_type,category,level,promoted\n" +
		"A," + idA + ",x,,,,\n" +
		"B," + idB + ",,visa,,,\n" +
		"C," + idC + ",,,retired,,\n" +
		"D,," + ",,,七级,\n" +
		"E,,,passport,,三级,someday\n" +
		"F,,,passport,,三级,2030-01-01\n" +
		"G,,,passport,,,2024-01-01\n" +
		"H,,,passport,,,\n" +
		"I,AB,,passport,,,\n"
	sh := Parse([]byte(csv), today)
	got := problemStrings(sh)
	for _, want := range []string{
		`line 2: gender: "x": use 男 or 女`,
		`line 3: ID type: "visa": use 居民身份证`,
		`line 4: category: "retired": use worker (职工) or student (学生)`,
		`line 5: level: "七级" is not a level`,
		`line 6: promoted: "someday" is not a date`,
		`line 7: promoted: 2030-01-01 is in the future`,
		`line 8: promoted: a promotion date without a level`,
		`line 10: ID number: "AB" is not a document number`,
	} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("no problem %q in %q", want, got)
		}
	}
}

// TestParseGenderAgainstIDNumber: the 17th digit of a resident ID is odd for
// a man and even for a woman; a gender that disagrees is refused.
func TestParseGenderAgainstIDNumber(t *testing.T) {
	male := withCheck("11010519900307123")   // 17th digit 3
	female := withCheck("11010519900307124") // 17th digit 4
	for _, tc := range []struct {
		name, row, want string
	}{
		{"man", "A," + male + ",男,", ""},
		{"woman", "B," + female + ",F,", ""},
		{"no gender", "C," + male + ",,", ""},
		{"woman with a man's number", "D," + male + ",女,", "line 2: gender: 女 does not match the ID number: its 17th digit 3 is odd, for 男"},
		{"man with a woman's number", "E," + female + ",male,", "line 2: gender: 男 does not match the ID number: its 17th digit 4 is even, for 女"},
		{"passports carry no gender", "F,E1234567,女,护照", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sh := Parse([]byte("姓名,身份证号,性别,证件类型\n"+tc.row+"\n"), today)
			if got := strings.Join(problemStrings(sh), "; "); got != tc.want {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
		})
	}
	if IDGender("E1234567") != "" || IDGender(male) != "male" || IDGender(female) != "female" {
		t.Fatal("IDGender")
	}
}
