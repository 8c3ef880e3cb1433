package certificate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/document"
)

// claimAgencyScript gives national numbers to certificates, all or none:
// a national number another certificate holds stops it.
// KEYS: the agency index. ARGV: national number, certificate number, ...
// Returns {} or {national number, the certificate holding it}.
var claimAgencyScript = redis.NewScript(`
for i = 1, #ARGV, 2 do
  local owner = redis.call('HGET', KEYS[1], ARGV[i])
  if owner and owner ~= ARGV[i + 1] then return {ARGV[i], owner} end
end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return {}
`)

// releaseAgencyScript takes national numbers back from certificates that
// hold them. KEYS: the agency index. ARGV: national number, certificate number, ...
var releaseAgencyScript = redis.NewScript(`
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
return 0
`)

// agencyChange is a record that got a national number, and the one it had.
type agencyChange struct {
	Record
	old string
}

// setAgencyNumbers gives contest cid's certificates (number -> national
// number) their national numbers and signs them again, all or none.
func (s *Service) setAgencyNumbers(ctx context.Context, cid string, set map[string]string) ([]agencyChange, error) {
	priv, keyID, err := s.keys.Signer(ctx)
	if err != nil {
		return nil, err
	}
	var claim []any
	for number, agency := range set {
		claim = append(claim, agency, number)
	}
	res, err := claimAgencyScript.Run(ctx, s.rdb, []string{agencyKey}, claim...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("reserve national numbers: %w", err)
	}
	if len(res) == 2 {
		return nil, badInput("cert.agency_taken", res[0], res[1])
	}
	var out []agencyChange
	err = s.rdb.Watch(ctx, func(tx *redis.Tx) error {
		out = out[:0]
		writes := map[string][]byte{}
		for number, agency := range set {
			raw, err := tx.HGet(ctx, recordsKey(cid), number).Result()
			if errors.Is(err, redis.Nil) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			var r Record
			if err := json.Unmarshal([]byte(raw), &r); err != nil {
				return err
			}
			if r.Revoked != nil {
				return ErrRevoked
			}
			old := r.AgencyNumber
			r.AgencyNumber = agency
			if err := sign(&r, priv, keyID); err != nil {
				return err
			}
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			writes[number] = b
			out = append(out, agencyChange{Record: r, old: old})
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for number, b := range writes {
				p.HSet(ctx, recordsKey(cid), number, b)
			}
			return nil
		})
		return err
	}, recordsKey(cid))
	if err != nil {
		// Give back what this call took; numbers the certificates held before stay.
		var back []any
		for number, agency := range set {
			if r, e := s.Record(ctx, number); e != nil || r.AgencyNumber != agency {
				back = append(back, agency, number)
			}
		}
		if len(back) > 0 {
			_ = releaseAgencyScript.Run(ctx, s.rdb, []string{agencyKey}, back...).Err()
		}
		if errors.Is(err, ErrRevoked) || errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("record national numbers in %s: %w", cid, err)
	}
	var free []any
	for _, c := range out {
		if c.old != "" && c.old != c.AgencyNumber {
			free = append(free, c.old, c.Number)
		}
	}
	if len(free) > 0 {
		if err := releaseAgencyScript.Run(ctx, s.rdb, []string{agencyKey}, free...).Err(); err != nil {
			return nil, fmt.Errorf("free the replaced national numbers: %w", err)
		}
	}
	return out, nil
}

// ImportAgencyNumbers records the national numbers an evaluation agency
// assigned to contest cid's certificates, from a CSV or XLSX file: a column
// naming the certificate — its number (证书编号) or the holder's ID number
// (身份证号) — and the national number (全国统一编号). Every row must be
// right, or nothing changes; every record named is signed again. It
// returns how many certificates got a number.
func (s *Service) ImportAgencyNumbers(ctx context.Context, cid string, data []byte, who, reason string) (int, error) {
	if _, err := s.contestWithRules(ctx, cid); err != nil {
		return 0, err
	}
	if strings.TrimSpace(reason) == "" {
		return 0, badInput("cert.reason_agency_import")
	}
	if done, err := s.Finalized(ctx, cid); err != nil {
		return 0, err
	} else if !done {
		return 0, ErrNotFinalized
	}
	rows, err := document.ReadTable(data)
	if err != nil {
		return 0, badInputOf("cert.file", fileText(err))
	}
	recs, err := s.stored(ctx, cid)
	if err != nil {
		return 0, err
	}
	set, problems := parseAgencyNumbers(rows, recs)
	if len(problems) == 0 {
		problems = s.agencyConflicts(ctx, set)
	}
	if len(problems) > 0 {
		return 0, nothingImported(problems)
	}
	changed, err := s.setAgencyNumbers(ctx, cid, set)
	if err != nil {
		return 0, err
	}
	replaced := 0
	for _, c := range changed {
		if c.old != "" && c.old != c.AgencyNumber {
			replaced++
		}
	}
	if err := s.audit.Append(ctx, cid, audit.Entry{Who: who, Action: "certificate.agency_numbers", Reason: reason,
		Details: map[string]any{"certificates": len(changed), "replaced": replaced}}); err != nil {
		return 0, err
	}
	return len(changed), nil
}

// agencyConflicts names the national numbers of set already on other certificates.
func (s *Service) agencyConflicts(ctx context.Context, set map[string]string) []message.Text {
	var problems []message.Text
	for number, agency := range set {
		owner, err := s.rdb.HGet(ctx, agencyKey, agency).Result()
		if err == nil && owner != number {
			problems = append(problems, message.New("cert.agency_number_elsewhere", number, agency, owner))
		}
	}
	return problems
}

// parseAgencyNumbers reads the rows of a national number file against the
// contest's records: certificate number -> national number; problems are "line N: ...".
func parseAgencyNumbers(rows [][]string, recs []Record) (map[string]string, []message.Text) {
	if len(rows) == 0 {
		return nil, []message.Text{message.New("cert.agency_empty")}
	}
	numCol, idCol, agencyCol := -1, -1, -1
	for i, h := range rows[0] {
		switch normHeader(h) {
		case "number", "certificatenumber", "证书编号", "证书号", "证书号码":
			numCol = i
		case "idnumber", "身份证号", "身份证号码", "证件号码", "证件号":
			idCol = i
		case "agencynumber", "nationalnumber", "全国统一编号", "统一编号", "全国编号", "国家证书编号":
			agencyCol = i
		}
	}
	if numCol < 0 && idCol < 0 {
		return nil, []message.Text{message.New("cert.agency_no_certificate_column")}
	}
	if agencyCol < 0 {
		return nil, []message.Text{message.New("cert.agency_no_number_column")}
	}
	byNumber := map[string]Record{}
	byID := map[string][]string{}
	for _, r := range recs {
		byNumber[r.Number] = r
		if r.Revoked == nil {
			id := strings.ToUpper(r.Holder.IDNumber)
			byID[id] = append(byID[id], r.Number)
		}
	}
	set := map[string]string{}
	lineOf, agencyLine := map[string]int{}, map[string]int{}
	var problems []message.Text
	problem := func(code string, args ...any) { problems = append(problems, message.New(code, args...)) }
	for n, row := range rows[1:] {
		line := n + 2
		cell := func(i int) string { return cellAt(row, i) }
		if strings.TrimSpace(strings.Join(row, "")) == "" {
			continue
		}
		number := cell(numCol)
		if number == "" {
			id := strings.ToUpper(cell(idCol))
			switch ns := byID[id]; {
			case id == "":
				problem("cert.agency_no_who", line)
				continue
			case len(ns) == 0:
				problem("cert.agency_unknown_id", line)
				continue
			case len(ns) > 1:
				problem("cert.agency_id_several", line, len(ns))
				continue
			default:
				number = ns[0]
			}
		}
		r, ok := byNumber[number]
		if !ok {
			problem("cert.agency_unknown_number", line, strconv.Quote(number))
			continue
		}
		if r.Revoked != nil {
			problem("cert.agency_revoked", line, number)
			continue
		}
		agency := strings.ToUpper(cell(agencyCol))
		if err := rules.CheckNationalNumber(agency); err != nil {
			problems = append(problems, message.Wrap("cert.agency_bad_number", rules.TextOf(err), line))
			continue
		}
		if l, dup := lineOf[number]; dup {
			problem("cert.agency_duplicate_certificate", line, number, l)
			continue
		}
		if l, dup := agencyLine[agency]; dup {
			problem("cert.agency_duplicate_number", line, agency, l)
			continue
		}
		lineOf[number], agencyLine[agency] = line, line
		set[number] = agency
	}
	if len(set) == 0 && len(problems) == 0 {
		problem("cert.agency_no_rows")
	}
	return set, problems
}
