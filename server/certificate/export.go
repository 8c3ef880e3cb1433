package certificate

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/document"
)

// Winner is one line of the winner list an evaluation agency asks for.
type Winner struct {
	Rank   int    `json:"rank,omitempty"`
	Name   string `json:"name"`
	Gender string `json:"gender,omitempty"`
	// BirthDate is YYYY-MM-DD: from the list imported, else from a resident ID number.
	BirthDate string `json:"birth_date,omitempty"`
	// Education is the 文化程度 the list imported, if any.
	Education      string      `json:"education,omitempty"`
	IDType         string      `json:"id_type"`
	IDNumber       string      `json:"id_number"`
	Organization   string      `json:"organization,omitempty"`
	Category       string      `json:"category,omitempty"`
	Contest        string      `json:"contest"`
	ContestTitle   string      `json:"contest_title"`
	Tier           rules.Tier  `json:"tier"`
	Occupation     string      `json:"occupation"`
	OccupationCode string      `json:"occupation_code,omitempty"`
	WorkType       string      `json:"work_type,omitempty"`
	Award          string      `json:"award,omitempty"`
	AwardTitle     string      `json:"award_title,omitempty"`
	Parts          []PartScore `json:"parts,omitempty"`
	Total          float64     `json:"total"`
	CurrentLevel   rules.Level `json:"current_level,omitempty"`
	// HeldNumber is the number of the certificate of the level held.
	HeldNumber string      `json:"held_number,omitempty"`
	Level      rules.Level `json:"level,omitempty"`
	// Basis says why the level: the rules, or an override and its reason.
	Basis  string `json:"basis,omitempty"`
	Number string `json:"number,omitempty"`
	// Issued is the certificate's date of issue, YYYY-MM-DD.
	Issued       string `json:"issued,omitempty"`
	AgencyNumber string `json:"agency_number,omitempty"`
	Revoked      bool   `json:"revoked,omitempty"`
	// Code is the certificate's verification code, VerifyURL the link that
	// shows the holder (see WinnerList.Link); none for a revoked one.
	Code      string `json:"verification_code,omitempty"`
	VerifyURL string `json:"verification_url,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Email     string `json:"email,omitempty"`
	Username  string `json:"username"`
}

// WinnerList is a contest's winners (or, with all, everyone ranked).
type WinnerList struct {
	Contest string `json:"contest"`
	// Final says the list comes from finalized certificates; otherwise the
	// flags are provisional and there are no numbers yet.
	Final   bool         `json:"final"`
	Parts   []rules.Part `json:"parts,omitempty"`
	Winners []Winner     `json:"winners"`
}

// Winners returns contest cid's winner list with full personal data (for
// organizer exports only): those with an award or a certificate level, in
// standings order, or with all every eligible participant. Once finalized,
// the list comes from what was issued — the snapshot and the signed
// records — whatever contest.yaml says now; each row has its
// certificate's verification code (Link adds the links).
func (s *Service) Winners(ctx context.Context, cid string, all bool) (*WinnerList, error) {
	ct, err := s.contestWithRules(ctx, cid)
	if err != nil {
		return nil, err
	}
	rv, err := s.Review(ctx, cid)
	if err != nil {
		return nil, err
	}
	recs := map[string]Record{}
	var first *Record
	if rv.Finalized {
		rs, err := s.Records(ctx, cid)
		if err != nil {
			return nil, err
		}
		for i, r := range rs {
			recs[r.Number] = r
			if first == nil {
				first = &rs[i]
			}
		}
	}
	// Contact details, birth date and education as the accounts hold them now.
	names := make([]string, len(rv.Entries))
	for i, e := range rv.Entries {
		names[i] = e.Contestant
	}
	users, err := s.accounts.GetMany(ctx, names)
	if err != nil {
		return nil, err
	}
	byName := map[string]account.User{}
	for _, u := range users {
		byName[u.Username] = u
	}
	rs := ct.Certificates
	// What every row shares: as issued once finalized, else as the rules say now.
	shared := Winner{Contest: cid, ContestTitle: cmp.Or(ct.Title.Zh, ct.Title.En), Tier: ct.Tier, Occupation: rs.Occupation,
		OccupationCode: rs.OccupationCode, WorkType: rs.WorkType}
	parts := rs.Parts
	if rv.Finalized {
		parts = rv.Parts
		if first != nil {
			shared.ContestTitle, shared.Tier, shared.Occupation, shared.OccupationCode, shared.WorkType =
				first.ContestTitle, first.Tier, first.Occupation, first.OccupationCode, first.WorkType
		}
	}
	out := &WinnerList{Contest: cid, Final: rv.Finalized, Parts: parts}
	for _, e := range rv.Entries {
		if !e.Winner() && !(all && e.Eligible) {
			continue
		}
		w := shared
		h := e.Holder
		w.Rank, w.Name, w.Gender, w.IDType, w.IDNumber = e.Rank, h.Name, h.Gender, cmp.Or(h.IDType, rules.IDResident), h.IDNumber
		w.Organization, w.Category, w.Award, w.AwardTitle, w.Parts, w.Total = h.Organization, h.Category, e.Award, e.AwardTitle, e.PartScores, e.Total
		w.CurrentLevel, w.HeldNumber, w.Level, w.Number, w.Username = e.Current, e.HeldNumber, e.Level, e.Number, e.Contestant
		w.Basis = basis(e)
		if u, ok := byName[e.Contestant]; ok {
			w.Phone, w.Email, w.Education = u.Phone, u.Email, u.Education
			w.BirthDate = u.BirthDate
		}
		if w.BirthDate == "" {
			w.BirthDate = BirthDate(w.IDType, w.IDNumber)
		}
		if r, ok := recs[e.Number]; ok {
			// The signed record is what was issued.
			w.Rank, w.Name, w.Gender, w.IDNumber, w.Organization = r.Rank, r.Holder.Name, r.Holder.Gender, r.Holder.IDNumber, r.Holder.Organization
			w.IDType, w.Category = cmp.Or(r.Holder.IDType, rules.IDResident), r.Holder.Category
			w.Award, w.AwardTitle, w.Parts, w.Total, w.Level, w.Issued = r.Award, r.AwardTitle, r.Parts, r.Total, r.Level, r.Issued
			w.AgencyNumber, w.Revoked = r.AgencyNumber, r.Revoked != nil
			if r.Revoked == nil {
				w.Code = r.Code
			}
		}
		out.Winners = append(out.Winners, w)
	}
	return out, nil
}

// basis says why an entry gets its certificate level: an organizer's
// override and its reason, or the contest's rules.
func basis(e Entry) string {
	if e.Level == rules.NoLevel {
		return ""
	}
	if o := e.Override; o != nil && o.Level != nil {
		return "组委会调整：" + o.Reason
	}
	b := "按竞赛规则"
	if e.Rank > 0 {
		b += fmt.Sprintf("（第%d名）", e.Rank)
	}
	if e.Current.Valid() && e.Target != e.Level {
		return b + fmt.Sprintf("，已持%s，晋升%s", e.Current, e.Level)
	}
	return b + "晋升" + e.Level.String()
}

// BirthDate is the date of birth a GB 11643 ID number (a resident ID or a
// residence permit) carries, YYYY-MM-DD; "" for other documents.
func BirthDate(idType, idNumber string) string {
	if !rules.ChecksLikeResidentID(cmp.Or(idType, rules.IDResident)) || len(idNumber) != 18 {
		return ""
	}
	d, err := time.Parse("20060102", idNumber[6:14])
	if err != nil {
		return ""
	}
	return d.Format(time.DateOnly)
}

// Link sets every certificate's verification link under base, the
// server's public address.
func (l *WinnerList) Link(base string) {
	for i, w := range l.Winners {
		if w.Number != "" && w.Code != "" {
			l.Winners[i].VerifyURL = VerifyURL(base, w.Number, w.Code)
		}
	}
}

// Column is one column of the winner list.
type Column struct {
	Zh, En string
	// Numeric columns are written as numbers in XLSX.
	Numeric bool
	value   func(Winner) any
}

// Columns are the winner list's columns; parts get one column each.
func (l *WinnerList) Columns() []Column {
	text := func(zh, en string, f func(Winner) string) Column {
		return Column{Zh: zh, En: en, value: func(w Winner) any { return f(w) }}
	}
	cols := []Column{
		{Zh: "名次", En: "rank", Numeric: true, value: func(w Winner) any {
			if w.Rank == 0 {
				return ""
			}
			return w.Rank
		}},
		text("姓名", "name", func(w Winner) string { return w.Name }),
		text("性别", "gender", func(w Winner) string { return rules.GenderIn(w.Gender, "zh") }),
		text("证件类型", "id_type", func(w Winner) string { return rules.IDTypeIn(w.IDType, "zh") }),
		text("证件号码", "id_number", func(w Winner) string { return w.IDNumber }),
		text("出生日期", "birth_date", func(w Winner) string { return w.BirthDate }),
		text("文化程度", "education", func(w Winner) string { return w.Education }),
		text("工作单位", "organization", func(w Winner) string { return w.Organization }),
		text("人员类别", "category", func(w Winner) string { return rules.Category(w.Category).In("zh") }),
		text("竞赛名称", "contest", func(w Winner) string { return w.ContestTitle }),
		text("竞赛级别", "tier", func(w Winner) string { return w.Tier.In("zh") }),
		text("职业名称", "occupation", func(w Winner) string { return w.Occupation }),
		text("职业编码", "occupation_code", func(w Winner) string { return w.OccupationCode }),
		text("工种", "work_type", func(w Winner) string { return w.WorkType }),
		text("奖项", "award", func(w Winner) string { return w.AwardTitle }),
	}
	for _, p := range l.Parts {
		// By name: a row's parts are in the order they were issued in.
		cols = append(cols, Column{Zh: p.Label() + "成绩", En: p.Name, Numeric: true, value: func(w Winner) any {
			for _, wp := range w.Parts {
				if wp.Name == p.Name {
					if wp.Absent {
						return "缺考"
					}
					return wp.Score
				}
			}
			return ""
		}})
	}
	cols = append(cols,
		Column{Zh: "总成绩", En: "total", Numeric: true, value: func(w Winner) any { return w.Total }},
		text("现有等级", "current_level", func(w Winner) string { return w.CurrentLevel.String() }),
		text("现有等级证书编号", "held_certificate_number", func(w Winner) string { return w.HeldNumber }),
		text("证书等级", "certificate_level", func(w Winner) string { return w.Level.String() }),
		text("晋级依据", "basis", func(w Winner) string { return w.Basis }),
		text("证书编号", "certificate_number", func(w Winner) string { return w.Number }),
		text("发证日期", "issued", func(w Winner) string { return w.Issued }),
		text("全国统一编号", "agency_number", func(w Winner) string { return w.AgencyNumber }),
		text("验证码", "verification_code", func(w Winner) string { return w.Code }),
		text("验证网址", "verification_url", func(w Winner) string { return w.VerifyURL }),
		text("状态", "status", func(w Winner) string {
			if w.Revoked {
				return "已撤销 revoked"
			}
			return ""
		}),
		text("联系电话", "phone", func(w Winner) string { return w.Phone }),
		text("电子邮箱", "email", func(w Winner) string { return w.Email }),
		text("用户名", "username", func(w Winner) string { return w.Username }),
	)
	return cols
}

// Table is the list as a sheet: headers in Chinese, or English with lang "en".
func (l *WinnerList) Table(lang string) document.Table {
	cols := l.Columns()
	t := document.Table{Name: "获奖名单", Header: make([]string, len(cols)), Rows: make([][]any, len(l.Winners)), Numeric: make([]bool, len(cols))}
	if lang == "en" {
		t.Name = "winners"
	}
	for i, c := range cols {
		t.Header[i], t.Numeric[i] = c.Zh, c.Numeric
		if lang == "en" {
			t.Header[i] = c.En
		}
	}
	for r, wn := range l.Winners {
		t.Rows[r] = make([]any, len(cols))
		for i, c := range cols {
			t.Rows[r][i] = c.value(wn)
		}
	}
	return t
}

// WriteCSV writes the list as CSV that Chinese Excel opens as UTF-8 (see
// document.WriteCSV); headers in Chinese, or English with lang "en".
func (l *WinnerList) WriteCSV(w io.Writer, lang string) error {
	return l.Table(lang).WriteCSV(w)
}

// WriteXLSX writes the list as an XLSX workbook (see Table.WriteXLSX in
// server/document); headers in Chinese, or English with lang "en".
func (l *WinnerList) WriteXLSX(w io.Writer, lang string) error {
	return l.Table(lang).WriteXLSX(w)
}

// Export kinds, as the audit log names them.
const (
	ExportWinners      = "winners"
	ExportCertificates = "certificates"
	ExportRecords      = "records"
)

// AuditExport writes an export of contest cid's personal data (a winner
// list, printed certificates, signed records) into its audit log: who,
// what, in which format, how many rows, and which certificates when it is
// a few named ones.
func (s *Service) AuditExport(ctx context.Context, cid, who, what, format string, rows int, numbers ...string) error {
	details := map[string]any{"format": format, "rows": rows}
	if len(numbers) > 0 {
		details["numbers"] = numbers
	}
	return s.audit.Append(ctx, cid, audit.Entry{Who: who, Action: "certificate.export", Target: what, Details: details})
}
