package certificate

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/document"
)

// A score file's problems are codes whose English is the problem as the
// API has always said it.
func TestScoreProblemsAsCodes(t *testing.T) {
	users := []account.User{{Username: "ann", Name: "安娜", IDNumber: "110105199003071239", Role: account.Contestant}}
	rows := [][]string{{"用户名", "身份证号", "姓名", "成绩"},
		{"nobody", "", "", "80"}, {"ann", "", "王五", "80"}, {"ann", "", "", "abc"}, {"", "", "", "70"}}
	chk := parseScores(rows, rules.Part{Name: "theory"}, 100, users)
	want := []struct{ code, english string }{
		{"cert.score_unknown_username", `line 2: username: "nobody" does not take part in this contest`},
		{"cert.score_name", `line 3: name: "王五" is not the name of ann (安*): check the row`},
		{"cert.score_value", `line 4: score: "abc" is not a number in 0..100 or 缺考 (absent)`},
		{"cert.score_no_contestant", "line 5: username: missing: give the username or the ID number"},
	}
	if len(chk.ProblemTexts) != len(want) || len(chk.Problems) != len(want) {
		t.Fatalf("problems %q, texts %+v", chk.Problems, chk.ProblemTexts)
	}
	for i, w := range want {
		if got := chk.ProblemTexts[i]; got.Code != w.code || got.String() != w.english || chk.Problems[i] != w.english {
			t.Errorf("problem %d: %s %q (%q), want %s %q", i, got.Code, got.String(), chk.Problems[i], w.code, w.english)
		}
	}
	if chk := parseScores([][]string{{"姓名", "成绩"}}, rules.Part{}, 100, users); len(chk.ProblemTexts) != 1 ||
		chk.ProblemTexts[0].Code != "cert.scores_no_contestant_column" || chk.Problems[0] != "line 1: no column naming the contestant: add username (用户名) or id_number (身份证号)" {
		t.Errorf("no contestant column: %q %+v", chk.Problems, chk.ProblemTexts)
	}
}

// A national-number file's problems, a national number's among them, are codes.
func TestAgencyProblemsAsCodes(t *testing.T) {
	var ok, revoked Record
	ok.Number, ok.Holder.IDNumber = "BC-1", "110105199003071239"
	revoked.Number, revoked.Revoked = "BC-2", &Revocation{}
	rows := [][]string{{"证书编号", "全国统一编号"},
		{"BC-1", "S0001"}, {"BC-1", "s000044010001245000021"}, {"BC-2", "S000044010001245000022"}, {"BC-9", "S000044010001245000023"}}
	_, problems := parseAgencyNumbers(rows, []Record{ok, revoked})
	want := []struct{ code, english string }{
		{"cert.agency_bad_number", `line 2: national number: "S0001" has 5 characters: a national certificate number has 22 (one letter and 21 digits)`},
		{"cert.agency_revoked", "line 4: certificate BC-2 is revoked"},
		{"cert.agency_unknown_number", `line 5: certificate number: "BC-9" is not a certificate of this contest`},
	}
	if len(problems) != len(want) {
		t.Fatalf("problems %+v", problems)
	}
	for i, w := range want {
		if problems[i].Code != w.code || problems[i].String() != w.english {
			t.Errorf("problem %d: %s %q, want %s %q", i, problems[i].Code, problems[i].String(), w.code, w.english)
		}
	}
}

// A refused file says in English every problem up to maxProblems and how
// many more; its code says how many there are, each problem its own.
func TestNothingImported(t *testing.T) {
	var problems []message.Text
	for i := range maxProblems + 5 {
		problems = append(problems, message.New("cert.agency_no_who", i+2))
	}
	err := nothingImported(problems)
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("%T", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != maxProblems+2 || lines[0] != "nothing imported:" || lines[1] != "line 2: no certificate number and no ID number" ||
		lines[len(lines)-1] != "... and 5 more" {
		t.Errorf("English: %q", lines)
	}
	if ie.Text.Code != "cert.nothing_imported" || ie.Text.String() != fmt.Sprintf("nothing imported: the file has %d problems", maxProblems+5) {
		t.Errorf("text: %+v", ie.Text)
	}
	if len(ie.Problems) != maxProblems+1 || ie.Problems[maxProblems].String() != "... and 5 more" {
		t.Errorf("problems: %+v", ie.Problems)
	}
}

// A refusal says the same in English as before it had a code, a value the
// rules refuse said inside it.
func TestInputErrorsAsCodes(t *testing.T) {
	_, err := rules.ParseStatus("winner")
	tests := []struct {
		err         error
		code, inner string
		english     string
	}{
		{badInput("cert.reason"), "cert.reason", "", "reason: say why (it goes into the audit log)"},
		{badInput("cert.no_override", `"ann"`), "cert.no_override", "", `contestant: "ann" has no override`},
		{badInputOf("cert.status", rules.TextOf(err)), "cert.status", "rules.status", `status: "winner" is not one of official, unofficial, disqualified`},
		{badInput("cert.level_outside", rules.Level2, rules.Level5, rules.Level3), "cert.level_outside", "",
			"level: 二级/技师 is outside the occupation's levels 五级/初级工 to 三级/高级工"},
	}
	for _, tt := range tests {
		var ie *InputError
		if !errors.As(tt.err, &ie) || ie.Text.Code != tt.code || tt.err.Error() != tt.english || ie.Text.String() != tt.english {
			t.Errorf("%v: %+v, want %s %q", tt.err, ie, tt.code, tt.english)
			continue
		}
		if inner := ie.Text.Inner; tt.inner != "" && (inner == nil || inner.Code != tt.inner) {
			t.Errorf("%s: inner %+v, want %s", tt.code, inner, tt.inner)
		}
	}
}

// A file that cannot be read says why as a code, inside "file: ".
func TestUnreadableFileAsCode(t *testing.T) {
	_, err := document.ReadTable([]byte("a,\"b\nc"))
	if err == nil {
		t.Fatal("a broken CSV file was read")
	}
	e := badInputOf("cert.file", fileText(err))
	var ie *InputError
	if !errors.As(e, &ie) || ie.Text.Inner == nil || ie.Text.Inner.Code != "table.not_csv" ||
		!strings.HasPrefix(e.Error(), "file: not a readable CSV file: ") || ie.Text.String() != e.Error() {
		t.Errorf("%v: %+v", e, ie)
	}
}
