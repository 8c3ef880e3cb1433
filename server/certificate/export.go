package certificate

import (
	"cmp"
	"context"
	"io"

	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/document"
)

// Winner is one line of the winner list an evaluation agency asks for.
type Winner struct {
	Rank           int         `json:"rank,omitempty"`
	Name           string      `json:"name"`
	Gender         string      `json:"gender,omitempty"`
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
	Level          rules.Level `json:"level,omitempty"`
	Number         string      `json:"number,omitempty"`
	AgencyNumber   string      `json:"agency_number,omitempty"`
	Revoked        bool        `json:"revoked,omitempty"`
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
// each row has its certificate's verification code (Link adds the links).
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
	if rv.Finalized {
		rs, err := s.Records(ctx, cid)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			recs[r.Number] = r
		}
	}
	// Contact details as the accounts hold them now.
	names := make([]string, len(rv.Entries))
	for i, e := range rv.Entries {
		names[i] = e.Contestant
	}
	users, err := s.accounts.GetMany(ctx, names)
	if err != nil {
		return nil, err
	}
	contact := map[string][2]string{}
	for _, u := range users {
		contact[u.Username] = [2]string{u.Phone, u.Email}
	}
	rs := ct.Certificates
	out := &WinnerList{Contest: cid, Final: rv.Finalized, Parts: rs.Parts}
	for _, e := range rv.Entries {
		if !e.Winner() && !(all && e.Eligible) {
			continue
		}
		h := e.Holder
		w := Winner{Rank: e.Rank, Name: h.Name, Gender: h.Gender, IDType: cmp.Or(h.IDType, rules.IDResident), IDNumber: h.IDNumber,
			Organization: h.Organization, Category: h.Category, Contest: cid, ContestTitle: cmp.Or(ct.Title.Zh, ct.Title.En),
			Tier: ct.Tier, Occupation: rs.Occupation, OccupationCode: rs.OccupationCode, WorkType: rs.WorkType,
			Award: e.Award, AwardTitle: e.AwardTitle, Parts: e.PartScores, Total: e.Total, CurrentLevel: e.Current, Level: e.Level,
			Number: e.Number, Username: e.Contestant}
		if c, ok := contact[e.Contestant]; ok {
			w.Phone, w.Email = c[0], c[1]
		}
		if r, ok := recs[e.Number]; ok {
			w.AgencyNumber, w.Revoked = r.AgencyNumber, r.Revoked != nil
			if r.Revoked == nil {
				w.Code = r.Code
			}
		}
		out.Winners = append(out.Winners, w)
	}
	return out, nil
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
		text("工作单位", "organization", func(w Winner) string { return w.Organization }),
		text("人员类别", "category", func(w Winner) string { return rules.Category(w.Category).In("zh") }),
		text("竞赛名称", "contest", func(w Winner) string { return w.ContestTitle }),
		text("竞赛级别", "tier", func(w Winner) string { return w.Tier.In("zh") }),
		text("职业名称", "occupation", func(w Winner) string { return w.Occupation }),
		text("职业编码", "occupation_code", func(w Winner) string { return w.OccupationCode }),
		text("工种", "work_type", func(w Winner) string { return w.WorkType }),
		text("奖项", "award", func(w Winner) string { return w.AwardTitle }),
	}
	for i, p := range l.Parts {
		cols = append(cols, Column{Zh: p.Label() + "成绩", En: p.Name, Numeric: true, value: func(w Winner) any {
			if i < len(w.Parts) && w.Parts[i].Absent {
				return "缺考"
			}
			if i < len(w.Parts) {
				return w.Parts[i].Score
			}
			return ""
		}})
	}
	cols = append(cols,
		Column{Zh: "总成绩", En: "total", Numeric: true, value: func(w Winner) any { return w.Total }},
		text("现有等级", "current_level", func(w Winner) string { return w.CurrentLevel.String() }),
		text("证书等级", "certificate_level", func(w Winner) string { return w.Level.String() }),
		text("证书编号", "certificate_number", func(w Winner) string { return w.Number }),
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
