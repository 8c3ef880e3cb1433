// Package roster reads contestant lists (CSV or XLSX) and imports them as
// accounts: it checks every row — Chinese resident ID numbers included —
// reports each problem with its line, and imports nothing until the whole
// file is clean. It keeps no Redis keys of its own: accounts are created
// through package account, registrations through contest and scoreboard.
package roster

import (
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/document"
)

// Field names a column of a contestant list.
type Field string

// Columns. Name and ID number are required; the others are optional.
const (
	FieldName         Field = "name"
	FieldIDNumber     Field = "id_number"
	FieldOrganization Field = "organization"
	FieldPhone        Field = "phone"
	FieldEmail        Field = "email"
	FieldTeam         Field = "team"
	FieldUsername     Field = "username"
	// Optional columns certificates need.
	FieldGender   Field = "gender"
	FieldIDType   Field = "id_type"
	FieldCategory Field = "category" // worker or student
	FieldLevel    Field = "level"    // skill level held now
	FieldPromoted Field = "promoted" // date of the last promotion
	// Optional columns the evaluation agency's winner list asks for.
	FieldLevelNumber Field = "level_number" // number of the certificate of the level held
	FieldBirthDate   Field = "birth_date"   // needed where the ID number carries none
	FieldEducation   Field = "education"    // 文化程度
)

// fieldOrder is the order columns are named in messages and exports.
var fieldOrder = []Field{FieldName, FieldIDNumber, FieldOrganization, FieldPhone, FieldEmail, FieldTeam, FieldUsername,
	FieldGender, FieldIDType, FieldCategory, FieldLevel, FieldPromoted, FieldLevelNumber, FieldBirthDate, FieldEducation}

// Label is how messages name the column.
func (f Field) Label() string {
	switch f {
	case FieldIDNumber:
		return "ID number"
	case FieldIDType:
		return "ID type"
	case FieldLevelNumber:
		return "level certificate number"
	case FieldBirthDate:
		return "birth date"
	}
	return string(f)
}

// headerAliases maps normalized header texts (see normHeader) to columns.
var headerAliases = map[string]Field{
	"name": FieldName, "fullname": FieldName, "姓名": FieldName, "名字": FieldName,

	"idnumber": FieldIDNumber, "id": FieldIDNumber, "idcard": FieldIDNumber, "idno": FieldIDNumber,
	"身份证": FieldIDNumber, "身份证号": FieldIDNumber, "身份证号码": FieldIDNumber,
	"证件号": FieldIDNumber, "证件号码": FieldIDNumber, "公民身份号码": FieldIDNumber,

	"organization": FieldOrganization, "organisation": FieldOrganization, "org": FieldOrganization,
	"单位": FieldOrganization, "工作单位": FieldOrganization, "所在单位": FieldOrganization,
	"单位名称": FieldOrganization, "学校": FieldOrganization,

	"phone": FieldPhone, "mobile": FieldPhone, "tel": FieldPhone, "手机": FieldPhone, "手机号": FieldPhone,
	"手机号码": FieldPhone, "电话": FieldPhone, "联系电话": FieldPhone,

	"email": FieldEmail, "mail": FieldEmail, "邮箱": FieldEmail, "电子邮箱": FieldEmail,
	"电子邮件": FieldEmail, "邮件": FieldEmail,

	"team": FieldTeam, "团队": FieldTeam, "队伍": FieldTeam, "队名": FieldTeam,
	"团队名称": FieldTeam, "队伍名称": FieldTeam,

	"username": FieldUsername, "user": FieldUsername, "login": FieldUsername,
	"用户名": FieldUsername, "账号": FieldUsername, "帐号": FieldUsername, "登录名": FieldUsername,

	"gender": FieldGender, "sex": FieldGender, "性别": FieldGender,
	"idtype": FieldIDType, "证件类型": FieldIDType, "证件种类": FieldIDType,
	"category": FieldCategory, "人员类别": FieldCategory, "人员类型": FieldCategory, "选手类别": FieldCategory,
	"身份类别": FieldCategory, "职工/学生": FieldCategory, "组别": FieldCategory,
	"level": FieldLevel, "currentlevel": FieldLevel, "现有等级": FieldLevel, "现等级": FieldLevel, "原等级": FieldLevel,
	"现职业技能等级": FieldLevel, "已有等级": FieldLevel, "现有职业技能等级": FieldLevel,
	"promoted": FieldPromoted, "lastpromotion": FieldPromoted, "promotiondate": FieldPromoted,
	"上次晋级日期": FieldPromoted, "最近晋级日期": FieldPromoted, "晋级日期": FieldPromoted, "现等级取得日期": FieldPromoted,
	"取证日期":        FieldPromoted,
	"levelnumber": FieldLevelNumber, "levelcertificate": FieldLevelNumber, "现有等级证书编号": FieldLevelNumber,
	"现有证书编号": FieldLevelNumber, "原证书编号": FieldLevelNumber, "等级证书编号": FieldLevelNumber,
	"birthdate": FieldBirthDate, "dateofbirth": FieldBirthDate, "birthday": FieldBirthDate, "出生日期": FieldBirthDate,
	"出生年月": FieldBirthDate, "出生年月日": FieldBirthDate,
	"education": FieldEducation, "文化程度": FieldEducation, "学历": FieldEducation, "最高学历": FieldEducation,
}

// ignoredHeaders are columns lists often carry that mean nothing here.
var ignoredHeaders = map[string]bool{"序号": true, "no": true, "no.": true, "#": true}

// normHeader folds a header cell: narrow width, lower case, no spaces,
// underscores, hyphens or required-field stars.
func normHeader(s string) string {
	s = strings.ToLower(width.Narrow.String(s))
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '_', '-', '*', '\u3000':
			return -1
		}
		return r
	}, s)
}

// Row is one contestant as read from the file, normalized.
type Row struct {
	Line         int
	Name         string
	IDNumber     string
	Organization string
	Phone        string
	Email        string
	Team         string
	// Username is given by the file or generated on import.
	Username string
	// Gender, IDType, Category, Level and Promoted are as package account stores them.
	Gender   string
	IDType   string
	Category string
	Level    int
	Promoted string
	// LevelNumber, BirthDate (YYYY-MM-DD) and Education are as the file gives them.
	LevelNumber string
	BirthDate   string
	Education   string
}

// Problem is one thing wrong with a file.
type Problem struct {
	// Line is the row, numbered as a spreadsheet numbers it; 0 for the file as a whole.
	Line int `json:"line"`
	// Field is the column, if the problem is in one.
	Field   Field  `json:"field,omitempty"`
	Message string `json:"message"`
	// Text is Message as a code and its arguments.
	message.Text
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field.Label() + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Sheet is a parsed contestant list.
type Sheet struct {
	Rows     []Row
	Problems []Problem
	// HasUsernames says the file has a username column.
	HasUsernames bool
}

// problem adds a problem: the message code and its arguments (internal/message).
func (sh *Sheet) problem(line int, f Field, code string, args ...any) {
	sh.add(line, f, message.New(code, args...))
}

// problemOf adds err as a problem: its message, if it has one, else its English.
func (sh *Sheet) problemOf(line int, f Field, err error) {
	var te *TextError
	if errors.As(err, &te) {
		sh.add(line, f, te.Text)
		return
	}
	sh.add(line, f, message.Plain(err.Error()))
}

func (sh *Sheet) add(line int, f Field, t message.Text) {
	sh.Problems = append(sh.Problems, newProblem(line, f, t))
}

func newProblem(line int, f Field, t message.Text) Problem {
	return Problem{Line: line, Field: f, Message: t.String(), Text: t}
}

// TextError is an error that says itself as a message (internal/message).
type TextError struct{ message.Text }

func (e *TextError) Error() string { return e.Text.String() }

func textErr(code string, args ...any) error { return &TextError{message.New(code, args...)} }

// columnName is the spreadsheet name of column i (0: A, 26: AA).
func columnName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Parse reads a contestant list and checks every row on its own and against
// the other rows; today bounds birth dates. It never fails: an unreadable
// file is a problem like any other.
func Parse(data []byte, today time.Time) *Sheet {
	sh := &Sheet{}
	records, err := document.ReadRows(data, MaxRows)
	if err != nil {
		sh.problemOf(0, "", err)
		return sh
	}
	header, cols := findHeader(sh, records)
	if header < 0 || len(sh.Problems) > 0 {
		return sh
	}
	_, sh.HasUsernames = cols[FieldUsername]
	heads := records[header].Cells
	firstLine := map[Field]map[string]int{FieldIDNumber: {}, FieldUsername: {}}
	for _, rec := range records[header+1:] {
		if blank(rec.Cells) {
			continue
		}
		if len(sh.Rows) == MaxRows {
			sh.problem(rec.Line, "", "roster.too_many", MaxRows)
			return sh
		}
		cell := func(f Field) string {
			i, ok := cols[f]
			if !ok || i >= len(rec.Cells) {
				return ""
			}
			return strings.TrimSpace(rec.Cells[i])
		}
		for i, c := range rec.Cells {
			if strings.TrimSpace(c) != "" && (i >= len(heads) || normHeader(heads[i]) == "") {
				sh.problem(rec.Line, "", "roster.no_header", columnName(i))
				break
			}
		}
		row := checkRow(sh, rec.Line, cell, today)
		for _, f := range []Field{FieldIDNumber, FieldUsername} {
			v := row.IDNumber
			if f == FieldUsername {
				v = strings.ToLower(row.Username)
			}
			if v == "" {
				continue
			}
			if first, ok := firstLine[f][v]; ok {
				sh.problem(rec.Line, f, "roster.same_as", first)
			} else {
				firstLine[f][v] = rec.Line
			}
		}
		sh.Rows = append(sh.Rows, row)
	}
	if len(sh.Rows) == 0 && len(sh.Problems) == 0 {
		sh.problem(0, "", "roster.no_rows")
	}
	return sh
}

// findHeader finds the header row — the first of the first rows that names
// at least two known columns, so a title row above it is skipped — and maps
// columns to cell indexes. It returns the header's index in records, or -1.
func findHeader(sh *Sheet, records []document.Row) (int, map[Field]int) {
	header, seen := -1, 0
	for i, rec := range records {
		if blank(rec.Cells) {
			continue
		}
		if header < 0 {
			header = i // the first non-blank row, unless a better one follows
		}
		known := 0
		for _, c := range rec.Cells {
			if _, ok := headerAliases[normHeader(c)]; ok {
				known++
			}
		}
		if known >= 2 {
			header = i
			break
		}
		if seen++; seen == 5 {
			break
		}
	}
	if header < 0 {
		sh.problem(0, "", "roster.empty")
		return -1, nil
	}
	rec := records[header]
	cols := map[Field]int{}
	for i, c := range rec.Cells {
		h := normHeader(c)
		if h == "" || ignoredHeaders[h] {
			continue
		}
		f, ok := headerAliases[h]
		if !ok {
			names := make([]string, len(fieldOrder))
			for k, f := range fieldOrder {
				names[k] = f.Label()
			}
			sh.problem(rec.Line, "", "roster.unknown_column", strconv.Quote(strings.TrimSpace(c)), columnName(i), strings.Join(names, ", "))
			continue
		}
		if j, dup := cols[f]; dup {
			sh.problem(rec.Line, "", "roster.both", columnName(j), columnName(i), strconv.Quote(f.Label()))
			continue
		}
		cols[f] = i
	}
	for _, f := range []Field{FieldName, FieldIDNumber} {
		if _, ok := cols[f]; !ok {
			sh.problem(rec.Line, "", "roster.missing_column", strconv.Quote(f.Label()), strconv.Quote(string(f)),
				strconv.Quote(map[Field]string{FieldName: "姓名", FieldIDNumber: "身份证号"}[f]))
		}
	}
	return header, cols
}

// checkRow reads and checks one row's cells.
func checkRow(sh *Sheet, line int, cell func(Field) string, today time.Time) Row {
	row := Row{Line: line, Name: cell(FieldName), Organization: cell(FieldOrganization), Team: cell(FieldTeam)}
	for _, f := range []struct {
		field Field
		value string
		max   int
	}{{FieldName, row.Name, 64}, {FieldOrganization, row.Organization, 128}, {FieldTeam, row.Team, 64}} {
		if n := utf8.RuneCountInString(f.value); n > f.max {
			sh.problem(line, f.field, "roster.too_long", n, f.max)
		}
	}
	if row.Name == "" {
		sh.problem(line, FieldName, "roster.missing")
	}
	checkPerson(sh, line, cell, today, &row)
	if raw := cell(FieldIDNumber); raw == "" {
		sh.problem(line, FieldIDNumber, "roster.missing")
	} else if !rules.ChecksLikeResidentID(row.IDType) {
		if id, ok := normalizeDocument(raw); ok {
			row.IDNumber = id
		} else {
			sh.problem(line, FieldIDNumber, "roster.not_document", strconv.Quote(raw))
		}
	} else if id, err := CheckIDNumber(raw, today); err != nil {
		sh.problemOf(line, FieldIDNumber, err)
	} else {
		row.IDNumber = id
		if g := IDGender(id); row.Gender != "" && g != row.Gender {
			code := map[string]string{rules.Male: "roster.gender_odd", rules.Female: "roster.gender_even"}[g]
			sh.problem(line, FieldGender, code, rules.GenderIn(row.Gender, "zh"), string(id[16]), rules.GenderIn(g, "zh"))
		}
	}
	if raw := cell(FieldPhone); raw != "" {
		if p, ok := normalizePhone(raw); ok {
			row.Phone = p
		} else {
			sh.problem(line, FieldPhone, "roster.not_phone", strconv.Quote(raw))
		}
	}
	if raw := cell(FieldEmail); raw != "" {
		if e, ok := normalizeEmail(raw); ok {
			row.Email = e
		} else {
			sh.problem(line, FieldEmail, "roster.not_email", strconv.Quote(raw))
		}
	}
	if raw := cell(FieldUsername); raw != "" {
		u := width.Narrow.String(raw)
		if account.ValidUsername(u) {
			row.Username = u
		} else {
			sh.problem(line, FieldUsername, "roster.bad_username", strconv.Quote(raw))
		}
	}
	return row
}

// normalizePhone accepts an 11-digit mainland mobile number (with or without
// +86), a landline with its area code (0...), or +country code and number,
// and returns it without spaces, hyphens or brackets.
func normalizePhone(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '(', ')', '\u3000':
			return -1
		}
		return r
	}, width.Narrow.String(s))
	for _, cc := range []string{"+86", "0086"} {
		if rest, ok := strings.CutPrefix(s, cc); ok && len(rest) == 11 && rest[0] == '1' {
			s = rest
		}
	}
	digits := strings.TrimPrefix(s, "+")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	n := len(digits)
	switch {
	case s[0] == '+':
		return s, n >= 7 && n <= 15
	case s[0] == '0':
		return s, n >= 10 && n <= 12
	case s[0] == '1':
		return s, n == 11
	}
	return "", false
}

// normalizeEmail accepts a bare address with a dotted domain.
func normalizeEmail(s string) (string, bool) {
	s = width.Narrow.String(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || len(s) > 254 {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", false
	}
	return s, true
}
