package certificate

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
	"golang.org/x/text/width"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/document"
)

// maxProblems caps how many problems of an imported file an import error reports.
const maxProblems = 20

// absentValue is how an absence (缺考) is stored among a part's scores.
const absentValue = "absent"

// ScoreRow is one row of a score file: whose score, and the score or an absence.
type ScoreRow struct {
	Line     int    `json:"line"`
	Username string `json:"username"`
	// Name is the account's name, masked.
	Name   string   `json:"name"`
	Score  *float64 `json:"score,omitempty"`
	Absent bool     `json:"absent,omitempty"`
}

// ScoreCheck is what a score file would import, and every problem in it.
type ScoreCheck struct {
	Part string `json:"part"`
	// Scores and Absent count the rows with a score and with 缺考.
	Scores int        `json:"scores"`
	Absent int        `json:"absent"`
	Rows   []ScoreRow `json:"rows"`
	// Problems are "line N: column: reason"; the file imports only without any.
	Problems []string `json:"problems,omitempty"`
	// ProblemTexts are Problems as message codes and their arguments.
	ProblemTexts []message.Text `json:"problem_texts,omitempty"`
	// Missing are the contestants the file leaves out: they would have no score.
	Missing []string `json:"missing,omitempty"`
}

// OK reports whether the file would import.
func (c *ScoreCheck) OK() bool { return len(c.Problems) == 0 }

// problem adds a problem: message code with args.
func (c *ScoreCheck) problem(code string, args ...any) {
	t := message.New(code, args...)
	c.Problems = append(c.Problems, t.String())
	c.ProblemTexts = append(c.ProblemTexts, t)
}

// CheckScores reads a score file as ImportScores does and says what it
// would import and every problem in it, changing nothing (a dry run).
func (s *Service) CheckScores(ctx context.Context, cid, part string, data []byte) (*ScoreCheck, error) {
	_, chk, err := s.readScores(ctx, cid, part, data)
	return chk, err
}

// ImportScores sets the scores of an imported part (e.g. a theory exam
// taken elsewhere) from a CSV (UTF-8, with or without BOM, or GB18030) or
// XLSX file with a column naming the contestant — username/用户名 or
// id_number/身份证号, and if given a name/姓名 that must match the account —
// and a score column (score/成绩, or the part's name or title) holding a
// score or 缺考 (absent). Every row must be right, or nothing is stored;
// the file replaces the part's earlier scores. It returns how many rows
// were stored.
func (s *Service) ImportScores(ctx context.Context, cid, part string, data []byte, who, reason string) (int, error) {
	p, chk, err := s.readScores(ctx, cid, part, data)
	if err != nil {
		return 0, err
	}
	if !chk.OK() {
		return 0, nothingImported(chk.ProblemTexts)
	}
	_, err = s.rdb.TxPipelined(ctx, func(pl redis.Pipeliner) error {
		pl.Del(ctx, scoresKey(cid, p.Name))
		for _, r := range chk.Rows {
			v := absentValue
			if r.Score != nil {
				v = strconv.FormatFloat(*r.Score, 'f', -1, 64)
			}
			pl.HSet(ctx, scoresKey(cid, p.Name), r.Username, v)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("save %s scores of %s: %w", p.Name, cid, err)
	}
	if err := s.audit.Append(ctx, cid, audit.Entry{Who: who, Action: "certificate.scores", Target: p.Name, Reason: reason,
		Details: map[string]any{"scores": chk.Scores, "absent": chk.Absent}}); err != nil {
		return 0, err
	}
	return len(chk.Rows), nil
}

// readScores checks a score file for the imported part named part of contest cid.
func (s *Service) readScores(ctx context.Context, cid, part string, data []byte) (rules.Part, *ScoreCheck, error) {
	ct, err := s.contestWithRules(ctx, cid)
	if err != nil {
		return rules.Part{}, nil, err
	}
	p, ok := ct.Certificates.Part(part)
	if !ok || !p.Imported() {
		var names []string
		for _, q := range ct.Certificates.Parts {
			if q.Imported() {
				names = append(names, q.Name)
			}
		}
		return p, nil, badInput("cert.not_imported_part", strconv.Quote(part), cid, strings.Join(names, ", "))
	}
	if done, err := s.Finalized(ctx, cid); err != nil {
		return p, nil, err
	} else if done {
		return p, nil, ErrFinalized
	}
	rows, err := document.ReadTable(data)
	if err != nil {
		return p, nil, badInputOf("cert.file", fileText(err))
	}
	members, err := s.contests.Members(ctx, cid)
	if err != nil {
		return p, nil, err
	}
	users, err := s.accounts.GetMany(ctx, members)
	if err != nil {
		return p, nil, err
	}
	full := p.Max
	if full == 0 {
		full = 100
	}
	chk := parseScores(rows, p, full, users)
	chk.Part = p.Name
	return p, chk, nil
}

// normHeader is a column header without spaces, underscores or marks, in lower case.
func normHeader(h string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "_", "", "*", "").Replace(width.Narrow.String(strings.TrimSpace(h))))
}

// cellAt is row's cell i, trimmed and in half-width characters; "" past
// the row's end.
func cellAt(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(width.Narrow.String(row[i]))
}

// sameName compares two ways of writing a name, ignoring width and spaces.
func sameName(a, b string) bool {
	norm := func(s string) string {
		return strings.ToLower(strings.Join(strings.Fields(width.Narrow.String(s)), ""))
	}
	return norm(a) == norm(b)
}

// isAbsent reports whether a score cell says the contestant was absent.
func isAbsent(v string) bool {
	switch strings.ToLower(v) {
	case "缺考", "缺席", "缺", "absent", "absence":
		return true
	}
	return false
}

// parseScores reads the rows of a score file against the contest's
// contestants; problems are "line N: column: reason".
func parseScores(rows [][]string, p rules.Part, full float64, users []account.User) *ScoreCheck {
	chk := &ScoreCheck{}
	if len(rows) == 0 {
		chk.problem("cert.scores_empty")
		return chk
	}
	byUser := map[string]account.User{}
	byID := map[string]account.User{}
	for _, u := range users {
		byUser[u.Username] = u
		if u.IDNumber != "" {
			byID[strings.ToUpper(u.IDNumber)] = u
		}
	}
	userCol, idCol, nameCol, scoreCol := -1, -1, -1, -1
	for i, h := range rows[0] {
		switch k := normHeader(h); {
		case k == "username" || k == "用户名" || k == "账号" || k == "帐号":
			userCol = i
		case k == "idnumber" || k == "身份证号" || k == "身份证号码" || k == "证件号码" || k == "证件号":
			idCol = i
		case k == "name" || k == "姓名":
			nameCol = i
		case k == "score" || k == "成绩" || k == "分数" || k == "得分" || k == strings.ToLower(p.Name) || p.Title != "" && (k == p.Title || k == p.Title+"成绩"):
			scoreCol = i
		}
	}
	if userCol < 0 && idCol < 0 {
		chk.problem("cert.scores_no_contestant_column")
		return chk
	}
	if scoreCol < 0 {
		chk.problem("cert.scores_no_score_column")
		return chk
	}
	problem := func(line int, code string, args ...any) { chk.problem(code, append([]any{line}, args...)...) }
	first := map[string]int{}
	for n, row := range rows[1:] {
		line := n + 2
		cell := func(i int) string { return cellAt(row, i) }
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		var u account.User
		user, id := cell(userCol), strings.ToUpper(cell(idCol))
		switch {
		case user != "":
			var ok bool
			if u, ok = byUser[user]; !ok {
				problem(line, "cert.score_unknown_username", strconv.Quote(user))
				continue
			}
			if id != "" && !strings.EqualFold(u.IDNumber, id) {
				problem(line, "cert.score_wrong_id", user)
				continue
			}
		case id != "":
			var ok bool
			if u, ok = byID[id]; !ok {
				problem(line, "cert.score_unknown_id")
				continue
			}
		default:
			problem(line, "cert.score_no_contestant")
			continue
		}
		if name := cell(nameCol); name != "" && !sameName(name, u.Name) {
			problem(line, "cert.score_name", strconv.Quote(name), u.Username, MaskName(u.Name))
			continue
		}
		r := ScoreRow{Line: line, Username: u.Username, Name: MaskName(u.Name)}
		raw := cell(scoreCol)
		if isAbsent(raw) {
			r.Absent = true
		} else {
			v, err := strconv.ParseFloat(raw, 64)
			if err != nil || v < 0 || v > full {
				problem(line, "cert.score_value", strconv.Quote(raw), full)
				continue
			}
			r.Score = &v
		}
		if f, dup := first[u.Username]; dup {
			problem(line, "cert.score_duplicate", u.Username, f)
			continue
		}
		first[u.Username] = line
		chk.Rows = append(chk.Rows, r)
		if r.Absent {
			chk.Absent++
		} else {
			chk.Scores++
		}
	}
	if len(chk.Rows) == 0 && len(chk.Problems) == 0 {
		chk.problem("cert.scores_no_rows")
	}
	for _, u := range users {
		if _, ok := first[u.Username]; !ok && u.Role == account.Contestant {
			chk.Missing = append(chk.Missing, u.Username)
		}
	}
	return chk
}
