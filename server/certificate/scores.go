package certificate

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
	"golang.org/x/text/width"

	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/document"
)

// maxProblems caps how many problems of an imported file are reported.
const maxProblems = 20

// ImportScores sets the scores of an imported part (e.g. a theory exam
// taken elsewhere) from a CSV (UTF-8, with or without BOM, or GB18030) or
// XLSX file with a column naming the contestant — username/用户名 or
// id_number/身份证号 — and a score column (score/成绩, or the part's name
// or title). Every row must be right, or nothing is stored; the file
// replaces the part's earlier scores. It returns how many scores were set.
func (s *Service) ImportScores(ctx context.Context, cid, part string, data []byte, who, reason string) (int, error) {
	ct, err := s.contestWithRules(ctx, cid)
	if err != nil {
		return 0, err
	}
	p, ok := ct.Certificates.Part(part)
	if !ok || !p.Imported() {
		var names []string
		for _, q := range ct.Certificates.Parts {
			if q.Imported() {
				names = append(names, q.Name)
			}
		}
		return 0, badInput("part: %q is not an imported part of %s (imported parts: %s)", part, cid, strings.Join(names, ", "))
	}
	if done, err := s.Finalized(ctx, cid); err != nil {
		return 0, err
	} else if done {
		return 0, ErrFinalized
	}
	rows, err := document.ReadTable(data)
	if err != nil {
		return 0, badInput("file: %v", err)
	}
	members, err := s.contests.Members(ctx, cid)
	if err != nil {
		return 0, err
	}
	users, err := s.accounts.GetMany(ctx, members)
	if err != nil {
		return 0, err
	}
	byID := map[string]string{}
	isMember := map[string]bool{}
	for _, u := range users {
		isMember[u.Username] = true
		if u.IDNumber != "" {
			byID[strings.ToUpper(u.IDNumber)] = u.Username
		}
	}
	full := p.Max
	if full == 0 {
		full = 100
	}
	scores, problems := parseScores(rows, p.Name, p.Title, full, isMember, byID)
	if len(problems) > 0 {
		if len(problems) > maxProblems {
			problems = append(problems[:maxProblems], fmt.Sprintf("... and %d more", len(problems)-maxProblems))
		}
		return 0, badInput("nothing imported:\n%s", strings.Join(problems, "\n"))
	}
	_, err = s.rdb.TxPipelined(ctx, func(pl redis.Pipeliner) error {
		pl.Del(ctx, scoresKey(cid, p.Name))
		for user, v := range scores {
			pl.HSet(ctx, scoresKey(cid, p.Name), user, strconv.FormatFloat(v, 'f', -1, 64))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("save %s scores of %s: %w", p.Name, cid, err)
	}
	if err := s.audit.Append(ctx, cid, audit.Entry{Who: who, Action: "certificate.scores", Target: p.Name, Reason: reason,
		Details: map[string]any{"scores": len(scores)}}); err != nil {
		return 0, err
	}
	return len(scores), nil
}

// parseScores reads the rows of a score file; problems are "line N: ...".
func parseScores(rows [][]string, name, title string, full float64, isMember map[string]bool, byID map[string]string) (map[string]float64, []string) {
	var problems []string
	if len(rows) == 0 {
		return nil, []string{"the file is empty"}
	}
	userCol, idCol, scoreCol := -1, -1, -1
	for i, h := range rows[0] {
		switch k := strings.ToLower(strings.NewReplacer(" ", "", "_", "", "*", "").Replace(width.Narrow.String(strings.TrimSpace(h)))); {
		case k == "username" || k == "用户名" || k == "账号" || k == "帐号":
			userCol = i
		case k == "idnumber" || k == "身份证号" || k == "身份证号码" || k == "证件号码" || k == "证件号":
			idCol = i
		case k == "score" || k == "成绩" || k == "分数" || k == "得分" || k == strings.ToLower(name) || title != "" && k == title || title != "" && k == title+"成绩":
			scoreCol = i
		}
	}
	if userCol < 0 && idCol < 0 {
		return nil, []string{"line 1: no column naming the contestant: add username (用户名) or id_number (身份证号)"}
	}
	if scoreCol < 0 {
		return nil, []string{"line 1: no score column: add score (成绩)"}
	}
	out := map[string]float64{}
	first := map[string]int{}
	for n, row := range rows[1:] {
		line := n + 2
		cell := func(i int) string {
			if i < 0 || i >= len(row) {
				return ""
			}
			return strings.TrimSpace(width.Narrow.String(row[i]))
		}
		if strings.Join(row, "") == "" {
			continue
		}
		user := cell(userCol)
		if user == "" && idCol >= 0 {
			id := strings.ToUpper(cell(idCol))
			user = byID[id]
			if user == "" {
				problems = append(problems, fmt.Sprintf("line %d: ID number: no contestant of this contest has it", line))
				continue
			}
		}
		if !isMember[user] {
			problems = append(problems, fmt.Sprintf("line %d: username: %q does not take part in this contest", line, user))
			continue
		}
		v, err := strconv.ParseFloat(cell(scoreCol), 64)
		if err != nil || v < 0 || v > full {
			problems = append(problems, fmt.Sprintf("line %d: score: %q is not a number in 0..%v", line, cell(scoreCol), full))
			continue
		}
		if f, dup := first[user]; dup {
			problems = append(problems, fmt.Sprintf("line %d: %s already has a score on line %d", line, user, f))
			continue
		}
		first[user] = line
		out[user] = v
	}
	if len(out) == 0 && len(problems) == 0 {
		problems = append(problems, "no scores: the file has a header but no rows")
	}
	return out, problems
}
