package web

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/frontend"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/request"
)

// option is one choice of a select.
type option struct{ Value, Label string }

// certNote is one line of why a contestant gets what they get.
type certNote struct {
	Text string
	// En marks a note left in the server's own words, which are English.
	En bool
}

// certScore is a score that may be missing (an imported part not imported
// yet) or absent (缺考).
type certScore struct {
	Score       float64
	Has, Absent bool
}

// certRow is one contestant of the review, as the page shows them: the
// holder masked, levels and awards named in the page's language.
type certRow struct {
	certificate.Entry
	Winner                 bool
	Award                  string
	Current, Target, Level string
	Parts                  []certScore
	Notes                  []certNote
	// Overridden lists what the override changed, "field: value".
	Overridden []string
}

// certRecord is an issued certificate as the page lists it.
type certRecord struct {
	Number, Name, IDNumber, Username, Award, Level, AgencyNumber, Issued string
	// Code is the verification code, printed in groups; VerifyLink the
	// verification page with it (the holder shown).
	Code, VerifyLink string
	Rank             int
	Revoked          *certificate.Revocation
	RevokedOn        string
}

// certPart is one part of the total.
type certPart struct {
	Name, Title string
	Imported    bool
}

type certPageData struct {
	page
	// PublicURL is where the certificates' links point; Template how they print.
	PublicURL      string
	Template       certificate.Template
	TemplateIssuer string
	// Blocked says why there is nothing to review: disabled (no certificate
	// service), no_rules, not_started or running (the contest has not
	// ended), frozen (its board is not unfrozen yet).
	Blocked string
	Rules   *rules.Rules
	// Rule texts in the page's language.
	Tier, LevelRange, Qualify string
	AwardRules, LevelRules    []option
	Review                    *certificate.Review
	Rows                      []certRow
	Parts, Imported           []certPart
	Statuses, Awards, Levels  []option
	// Confirm shows the finalize confirmation with the Winners it would issue to.
	Confirm bool
	Winners []certRow
	Records []certRecord
	// FinalizedAt is when the results were locked, in the contest's zone.
	FinalizedAt string
	// Failed names the form that failed ("override:USER", "clear:USER",
	// "scores", "finalize", "revoke:NUMBER", "agency:NUMBER"): it is shown
	// open again with what was entered.
	Failed                                                             string
	FormStatus, FormAward, FormLevel, FormReason, FormAgency, FormPart string
	// AgencyProblem says what is wrong with an agency number entered.
	AgencyProblem string
	// Preview is what an override would change, shown before it is applied.
	Preview *certPreview
	// ScoreCheck is a score file checked without importing it;
	// ScoreMissing lists whom it leaves out.
	ScoreCheck   *certificate.ScoreCheck
	ScoreMissing string
}

// certPreview is an override shown before it is applied: what it asks and
// whose results it changes.
type certPreview struct {
	certificate.OverrideRequest
	// WhatText says the change asked for, "Status: disqualified".
	WhatText string
	Changes  []certChange
}

// certChange is one contestant's results before and after, each "before →
// after" where it changes.
type certChange struct {
	Contestant, Name           string
	Status, Rank, Award, Level string
}

// Locals carrying a failed certificate form's name, an override preview
// and a checked score file to the page.
const (
	certFailedLocal  = "cert_failed"
	certPreviewLocal = "cert_preview"
	certCheckLocal   = "cert_check"
)

// certFailed shows the page again with the failed form open, err above it.
func (s *Site) certFailed(c *fiber.Ctx, form string, err error) error {
	c.Locals(certFailedLocal, form)
	return s.formFailed(c, err, s.certificatesPage)
}

const certView = "certificates"

func certPath(cid string) string { return "/contests/" + cid + "/certificates" }

// certificatesPage is the organizer's winner review and certificate screen:
// the flags the rules give each contestant with the reasons, overrides,
// imported part scores, finalizing with a confirmation step, exports, and
// once finalized the issued certificates (PDF, revoke, agency number).
// Before the results are final it says what is missing.
func (s *Site) certificatesPage(c *fiber.Ctx) error {
	ct, p, err := s.contestPage(c, "cert.title", "certificates")
	if err != nil {
		return err
	}
	d := certPageData{page: p}
	if c.Method() != fiber.MethodGet {
		// A form shown again: the language switch leads to the page, not the form's address.
		d.SwitchURL = certPath(ct.ID) + "?lang=" + d.OtherLang
	}
	if f, ok := c.Locals(certFailedLocal).(string); ok {
		d.Failed = f
		d.FormStatus, d.FormAward, d.FormLevel = c.FormValue("status"), c.FormValue("award"), c.FormValue("level")
		d.FormReason, d.FormAgency, d.FormPart = c.FormValue("reason"), c.FormValue("agency_number"), c.FormValue("part")
		if strings.HasPrefix(f, "agency:") {
			d.AgencyProblem = s.nationalNumberProblem(p.Lang, d.FormAgency)
		}
	}
	svc, err := s.certs()
	if err != nil {
		d.Blocked = "disabled"
		return s.render(c, certView, d)
	}
	if ct.Certificates == nil {
		d.Blocked = "no_rules"
		return s.render(c, certView, d)
	}
	d.PublicURL = svc.PublicURL()
	if d.Template, err = svc.Template(c.UserContext(), ct.ID); err != nil {
		return request.Fail(err)
	}
	d.TemplateIssuer = strings.Join(d.Template.Issuer, "\n")
	rs := *ct.Certificates
	rs.Normalize()
	d.Rules = &rs
	s.describeRules(&d, ct)
	ctx := c.UserContext()
	rv, err := svc.Review(ctx, ct.ID)
	switch {
	case errors.Is(err, certificate.ErrNotFinal):
		switch ct.StateAt(s.Now()) {
		case contest.NotStarted:
			d.Blocked = "not_started"
		case contest.Running:
			d.Blocked = "running"
		default:
			d.Blocked = "frozen"
		}
		return s.render(c, certView, d)
	case errors.Is(err, certificate.ErrNoRules):
		d.Blocked = "no_rules"
		return s.render(c, certView, d)
	case err != nil:
		return request.Fail(err)
	}
	d.Review = rv.Masked()
	for _, part := range rv.Parts {
		cp := certPart{Name: part.Name, Title: part.Label(), Imported: part.Imported()}
		d.Parts = append(d.Parts, cp)
		if cp.Imported {
			d.Imported = append(d.Imported, cp)
		}
	}
	for _, e := range d.Review.Entries {
		row := s.certRowOf(p.Lang, &rs, d.Review, e)
		d.Rows = append(d.Rows, row)
		if row.Winner {
			d.Winners = append(d.Winners, row)
		}
	}
	if rv.Finalized {
		if rv.FinalizedAt != nil {
			d.FinalizedAt = frontend.Clock(*rv.FinalizedAt, ct.Location())
		}
		recs, err := svc.Records(ctx, ct.ID)
		if err != nil {
			return request.Fail(err)
		}
		for _, r := range recs {
			h := r.Holder.Masked()
			cr := certRecord{Number: r.Number, Name: h.Name, IDNumber: h.IDNumber, Username: r.Holder.Username,
				Level: r.Level.In(p.Lang), AgencyNumber: r.AgencyNumber, Issued: r.Issued, Rank: r.Rank, Revoked: r.Revoked,
				VerifyLink: certificate.VerifyURL("", r.Number, r.Code)}
			if r.Code != "" {
				cr.Code = certificate.FormatCode(r.Code)
			}
			if r.Award != "" {
				cr.Award = s.awardTitle(&rs, r.Award, r.AwardTitle, p.Lang)
			}
			if r.Revoked != nil {
				cr.RevokedOn = r.Revoked.At.In(ct.Location()).Format("2006-01-02")
			}
			d.Records = append(d.Records, cr)
		}
	} else {
		d.Confirm = c.Query("confirm") == "finalize" || d.Failed == "finalize"
		if pv, ok := c.Locals(certPreviewLocal).(*certificate.Preview); ok {
			d.Preview = s.certPreviewOf(p.Lang, &rs, pv)
		}
		if chk, ok := c.Locals(certCheckLocal).(*certificate.ScoreCheck); ok {
			d.ScoreCheck, d.FormPart, d.ScoreMissing = chk, chk.Part, strings.Join(chk.Missing, s.UI.Messages().T(p.Lang, "cert.list_sep"))
		}
	}
	if c.Query("ok") == "cert_scores" {
		if n, err := strconv.Atoi(c.Query("scores")); err == nil {
			title := c.Query("part")
			if part, ok := rs.Part(title); ok {
				title = part.Label()
			}
			d.Notice = s.UI.Messages().Tf(p.Lang, "cert.scores_done", n, title)
		}
	}
	return s.render(c, certView, d)
}

// describeRules puts the contest's rules into words, and the choices the
// override form offers.
func (s *Site) describeRules(d *certPageData, ct *contest.Contest) {
	l, rs, m := d.Lang, d.Rules, s.UI.Messages()
	d.Tier = ct.Tier.In(l)
	d.LevelRange = rs.LowestLevel.In(l) + " – " + rs.HighestLevel.In(l)
	if rs.Qualify.MinTotal != nil || len(rs.Qualify.MinParts) > 0 {
		d.Qualify = s.describeRule(l, rs, rules.Placing{}, rs.Qualify, "", nil, false)
	}
	for _, a := range rs.Awards {
		d.AwardRules = append(d.AwardRules, option{Value: s.awardTitle(rs, a.Name, "", l), Label: s.describeRule(l, rs, a.Placing, a.Minimums, a.Who, nil, a.Qualified)})
		d.Awards = append(d.Awards, option{Value: a.Name, Label: s.awardTitle(rs, a.Name, "", l)})
	}
	for _, p := range rs.Levels {
		d.LevelRules = append(d.LevelRules, option{Value: p.Level.In(l), Label: s.describeRule(l, rs, p.Placing, p.Minimums, p.Who, p.Awards, false)})
	}
	for lv := rs.HighestLevel; lv <= rs.LowestLevel; lv++ {
		d.Levels = append(d.Levels, option{Value: strconv.Itoa(int(lv)), Label: lv.In(l)})
	}
	for _, st := range []rules.Status{rules.Official, rules.Unofficial, rules.Disqualified} {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: m.T(l, "cert.status_"+string(st))})
	}
}

// describeRule says what a placing and minimums ask for: "top 3, total ≥ 60".
func (s *Site) describeRule(l string, rs *rules.Rules, pl rules.Placing, min rules.Minimums, who rules.Category, awards []string, qualified bool) string {
	m := s.UI.Messages()
	var parts []string
	if pl.TopN > 0 {
		parts = append(parts, m.Tf(l, "cert.rule_top_n", pl.TopN))
	}
	if pl.TopPercent > 0 {
		parts = append(parts, m.Tf(l, "cert.rule_top_percent", fmtNum(pl.TopPercent)))
	}
	if min.MinTotal != nil {
		parts = append(parts, m.Tf(l, "cert.rule_min_total", fmtNum(*min.MinTotal)))
	}
	for _, name := range slices.Sorted(maps.Keys(min.MinParts)) {
		title := name
		if p, ok := rs.Part(name); ok {
			title = p.Label()
		}
		parts = append(parts, m.Tf(l, "cert.rule_min_part", title, fmtNum(min.MinParts[name])))
	}
	if len(awards) > 0 {
		titles := make([]string, len(awards))
		for i, a := range awards {
			titles[i] = s.awardTitle(rs, a, "", l)
		}
		parts = append(parts, m.Tf(l, "cert.rule_awards", strings.Join(titles, " / ")))
	}
	switch who {
	case rules.Worker:
		parts = append(parts, m.T(l, "cert.rule_workers"))
	case rules.Student:
		parts = append(parts, m.T(l, "cert.rule_students"))
	}
	if who != "" && (pl.TopN > 0 || pl.TopPercent > 0) {
		if pl.RankWithin == rules.RankOverall {
			parts = append(parts, m.T(l, "cert.rule_overall"))
		} else {
			parts = append(parts, m.T(l, "cert.rule_in_group"))
		}
	}
	if qualified {
		parts = append(parts, m.T(l, "cert.rule_qualified"))
	}
	if len(parts) == 0 {
		return m.T(l, "cert.rule_everyone")
	}
	return strings.Join(parts, m.T(l, "cert.rule_and"))
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// awardTitle names an award in language l, by the rules, else as recorded.
func (s *Site) awardTitle(rs *rules.Rules, name, recorded, l string) string {
	if _, ok := rs.Award(name); ok {
		return rs.AwardTitle(name, l)
	}
	if l == "en" {
		if t := defaultAwardTitle(name); t != "" {
			return t
		}
	}
	return cmp.Or(recorded, name)
}

// certRowOf makes a review entry into a table row in language l.
func (s *Site) certRowOf(l string, rs *rules.Rules, rv *certificate.Review, e certificate.Entry) certRow {
	m := s.UI.Messages()
	row := certRow{Entry: e, Winner: e.Winner(), Current: e.Current.In(l), Target: e.Target.In(l), Level: e.Level.In(l)}
	if e.Award != "" {
		row.Award = s.awardTitle(rs, e.Award, e.AwardTitle, l)
	}
	for _, p := range rv.Parts {
		v, ok := e.Parts[p.Name]
		row.Parts = append(row.Parts, certScore{Score: v, Has: ok, Absent: slices.Contains(e.Flag.Absent, p.Name)})
	}
	if e.Eligible && e.Rank > 0 {
		row.Notes = append(row.Notes, certNote{Text: m.Tf(l, "cert.note_place", e.Rank, rv.Participants)})
	}
	if e.Eligible && e.GroupRank > 0 {
		row.Notes = append(row.Notes, certNote{Text: m.Tf(l, "cert.note_group_place", m.T(l, "cert.group_"+e.Holder.Category), e.GroupRank, e.GroupSize)})
	}
	o := e.Override
	if a, ok := rs.Award(e.Award); ok && (o == nil || o.Award == nil) {
		row.Notes = append(row.Notes, certNote{Text: m.Tf(l, "cert.note_award", row.Award,
			s.describeRule(l, rs, a.Placing, a.Minimums, a.Who, nil, a.Qualified))})
	}
	if e.Target != rules.NoLevel && (o == nil || o.Level == nil) {
		// The promotion rules that lead to the target level and may apply to this contestant.
		var why []string
		for _, p := range rs.Levels {
			if p.Level != e.Target || p.Who != "" && string(p.Who) != e.Holder.Category ||
				len(p.Awards) > 0 && !slices.Contains(p.Awards, e.Award) {
				continue
			}
			why = append(why, s.describeRule(l, rs, p.Placing, p.Minimums, p.Who, p.Awards, false))
		}
		if len(why) > 0 {
			row.Notes = append(row.Notes, certNote{Text: m.Tf(l, "cert.note_level", row.Target, strings.Join(why, m.T(l, "cert.rule_or")))})
		}
	}
	for _, n := range e.Notes {
		if n.Code == rules.NoteOverride {
			continue // the override column says it
		}
		row.Notes = append(row.Notes, s.translateNote(l, rs, n))
	}
	if o != nil {
		if o.Status != "" {
			row.Overridden = append(row.Overridden, m.T(l, "cert.status")+": "+m.T(l, "cert.status_"+string(o.Status)))
		}
		if o.Award != nil {
			v := m.T(l, "cert.none")
			if *o.Award != "" {
				v = s.awardTitle(rs, *o.Award, "", l)
			}
			row.Overridden = append(row.Overridden, m.T(l, "cert.award")+": "+v)
		}
		if o.Level != nil {
			v := m.T(l, "cert.none")
			if *o.Level != rules.NoLevel {
				v = o.Level.In(l)
			}
			row.Overridden = append(row.Overridden, m.T(l, "cert.level")+": "+v)
		}
	}
	return row
}

// noteKeys are the messages of the notes package rules writes.
var noteKeys = map[rules.NoteCode]string{
	rules.NoteDisqualified: "cert.note_disqualified",
	rules.NoteUnofficial:   "cert.note_unofficial",
	rules.NoteAbsent:       "cert.note_absent",
	rules.NoteUnqualified:  "cert.note_unqualified",
	rules.NoteStepUp:       "cert.note_step_up",
	rules.NoteTop:          "cert.note_top",
	rules.NoteInterval:     "cert.note_interval",
	rules.NoteAbsentPart:   "cert.note_absent_part",
	rules.NoteShort:        "cert.note_short",
	rules.NoteTieWon:       "cert.note_tie_won",
	rules.NoteTieLost:      "cert.note_tie_lost",
	rules.NoteTieAllIn:     "cert.note_tie_all_in",
}

// translateNote puts a note of package rules into language l; rs names
// parts and awards.
func (s *Site) translateNote(l string, rs *rules.Rules, n rules.Note) certNote {
	m := s.UI.Messages()
	key, ok := noteKeys[n.Code]
	if !ok {
		return certNote{Text: n.String(), En: true}
	}
	switch n.Code {
	case rules.NoteStepUp:
		if len(n.Args) == 2 {
			return certNote{Text: m.Tf(l, key, levelIn(n.Args[0], l), levelIn(n.Args[1], l))}
		}
	case rules.NoteTop:
		if len(n.Args) == 1 {
			return certNote{Text: m.Tf(l, key, levelIn(n.Args[0], l))}
		}
	case rules.NoteInterval:
		if len(n.Args) == 2 {
			return certNote{Text: m.Tf(l, key, n.Args[0], n.Months())}
		}
	case rules.NoteAbsentPart:
		if len(n.Args) == 1 {
			return certNote{Text: m.Tf(l, key, s.keyName(l, rs, n.Args[0]))}
		}
	case rules.NoteShort:
		if len(n.Args) == 5 {
			rule := levelIn(n.Args[1], l)
			if n.Args[0] == "award" {
				rule = s.awardTitle(rs, n.Args[1], "", l)
			}
			if n.Args[2] == "qualify" {
				return certNote{Text: m.Tf(l, "cert.note_short_qualify", rule)}
			}
			what, got := m.T(l, "cert.total"), n.Args[3]
			if n.Args[2] != "total" {
				what = s.keyName(l, rs, n.Args[2])
			}
			if got == "absent" {
				got = m.T(l, "cert.absent")
			}
			return certNote{Text: m.Tf(l, key, rule, what, got, n.Args[4])}
		}
	case rules.NoteTieWon, rules.NoteTieLost, rules.NoteTieAllIn:
		if len(n.Args) >= 7 {
			return certNote{Text: s.tieNote(l, rs, key, n.Args)}
		}
	default:
		return certNote{Text: m.T(l, key)}
	}
	return certNote{Text: n.String(), En: true}
}

// tieNote says a tie at a cutoff in language l (see rules.NoteTieWon for the args).
func (s *Site) tieNote(l string, rs *rules.Rules, key string, a []string) string {
	m := s.UI.Messages()
	rule := levelIn(a[1], l)
	if a[0] == "award" {
		rule = s.awardTitle(rs, a[1], "", l)
	}
	places, _ := strconv.Atoi(a[2])
	place, _ := strconv.Atoi(a[3])
	cutoff := m.Tf(l, "cert.tie_cutoff", rule, places)
	if a[4] != "" {
		cutoff = m.Tf(l, "cert.tie_cutoff_group", rule, m.T(l, "cert.group_"+a[4]), places)
	}
	others := strings.ReplaceAll(a[5], ",", m.T(l, "cert.list_sep"))
	if key == "cert.note_tie_all_in" {
		if a[6] == "" {
			return m.Tf(l, "cert.note_tie_all_in", others, place, cutoff)
		}
		names := strings.Split(a[6], ",")
		for i, k := range names {
			names[i] = s.keyName(l, rs, k)
		}
		return m.Tf(l, "cert.note_tie_still", others, place, cutoff, strings.Join(names, m.T(l, "cert.list_sep")))
	}
	if len(a) < 9 {
		return rules.Note{Code: rules.NoteCode(strings.TrimPrefix(key, "cert.note_")), Args: a}.String()
	}
	return m.Tf(l, key, others, place, cutoff, s.keyName(l, rs, a[6]), a[7], a[8])
}

// keyName names a tie-break key or part in language l.
func (s *Site) keyName(l string, rs *rules.Rules, k string) string {
	switch k {
	case rules.KeyTime:
		return s.UI.Messages().T(l, "cert.key_time")
	case rules.KeyBoard:
		return s.UI.Messages().T(l, "cert.key_board")
	}
	if p, ok := rs.Part(k); ok {
		return p.Label()
	}
	return k
}

// certPreviewOf puts an override's preview into language l.
func (s *Site) certPreviewOf(l string, rs *rules.Rules, pv *certificate.Preview) *certPreview {
	m := s.UI.Messages()
	out := &certPreview{OverrideRequest: pv.Override}
	o := pv.Override
	var what []string
	if o.Status != "" {
		what = append(what, m.T(l, "cert.status")+": "+m.T(l, "cert.status_"+o.Status))
	}
	none := func(v string) string {
		if v == "" {
			return "—"
		}
		return v
	}
	if o.Award != "" {
		v := m.T(l, "cert.none")
		if o.Award != "none" {
			v = s.awardTitle(rs, o.Award, "", l)
		}
		what = append(what, m.T(l, "cert.award")+": "+v)
	}
	if o.Level != "" {
		v := m.T(l, "cert.none")
		if lv, err := rules.ParseLevel(o.Level); err == nil && lv != rules.NoLevel {
			v = lv.In(l)
		}
		what = append(what, m.T(l, "cert.level")+": "+v)
	}
	out.WhatText = strings.Join(what, m.T(l, "cert.list_sep"))
	arrow := func(a, b string) string {
		if a == b {
			return a
		}
		return a + " → " + b
	}
	for _, c := range pv.Changes {
		rank := func(st certificate.Standing) string {
			if st.Rank == 0 {
				return "—"
			}
			return strconv.Itoa(st.Rank)
		}
		award := func(st certificate.Standing) string {
			if st.Award == "" {
				return "—"
			}
			return s.awardTitle(rs, st.Award, st.AwardTitle, l)
		}
		out.Changes = append(out.Changes, certChange{Contestant: c.Contestant, Name: c.Name,
			Status: arrow(m.T(l, "cert.status_"+string(c.Before.Status)), m.T(l, "cert.status_"+string(c.After.Status))),
			Rank:   arrow(rank(c.Before), rank(c.After)),
			Award:  arrow(award(c.Before), award(c.After)),
			Level:  arrow(none(c.Before.Level.In(l)), none(c.After.Level.In(l)))})
	}
	return out
}

// levelIn names a level written as Level.String in language l.
func levelIn(s, l string) string {
	if lv, err := rules.ParseLevel(s); err == nil && lv != rules.NoLevel {
		return lv.In(l)
	}
	return s
}

// nationalNumberProblem says, in language l, what keeps v from being a
// national certificate number; "" when it is one.
func (s *Site) nationalNumberProblem(l, v string) string {
	v = strings.TrimSpace(v)
	if rules.CheckNationalNumber(v) == nil {
		return ""
	}
	if n := utf8.RuneCountInString(v); n != 22 {
		return s.UI.Messages().Tf(l, "js.cert_agency_length", n)
	}
	return s.UI.T(l, "js.cert_agency_format")
}

// errNoReason asks for the reason every audited action needs.
func errNoReason() error {
	return &request.Error{Status: fiber.StatusBadRequest, Code: "no_reason", Message: "reason: say why (it goes into the audit log)"}
}

func hasReason(c *fiber.Ctx) bool { return strings.TrimSpace(c.FormValue("reason")) != "" }

// certOverrideForm overrides one contestant's status, award or level.
func (s *Site) certOverrideForm(c *fiber.Ctx) error {
	if !hasReason(c) {
		return s.certFailed(c, "override:"+c.FormValue("contestant"), errNoReason())
	}
	if c.FormValue("status") == "" && c.FormValue("award") == "" && c.FormValue("level") == "" {
		return s.certFailed(c, "override:"+c.FormValue("contestant"), &request.Error{Status: fiber.StatusBadRequest, Code: "no_change",
			Message: "give status, award or level to change"})
	}
	err := s.certAction(c, func(svc *certificate.Service, who string) error {
		var req certificate.OverrideRequest
		if err := c.BodyParser(&req); err != nil {
			return request.BadRequest("body must be JSON {contestant, status, award, level, reason}")
		}
		_, err := svc.SetOverride(c.UserContext(), c.Params("cid"), req, who)
		return err
	})
	if err != nil {
		return s.certFailed(c, "override:"+c.FormValue("contestant"), err)
	}
	return seeOther(c, certPath(c.Params("cid"))+"#c-"+c.FormValue("contestant"), "cert_overridden")
}

// certPreviewForm shows the page with whose results an override would
// change, and a form to apply it with a reason.
func (s *Site) certPreviewForm(c *fiber.Ctx) error {
	var pv *certificate.Preview
	err := s.certAction(c, func(svc *certificate.Service, who string) error {
		var req certificate.OverrideRequest
		if err := c.BodyParser(&req); err != nil {
			return request.BadRequest("body must be a form {contestant, status, award, level}")
		}
		var err error
		pv, err = svc.PreviewOverride(c.UserContext(), c.Params("cid"), req, who)
		return err
	})
	if err != nil {
		return s.certFailed(c, "override:"+c.FormValue("contestant"), err)
	}
	c.Locals(certPreviewLocal, pv)
	return s.certificatesPage(c)
}

// certClearOverrideForm removes an override.
func (s *Site) certClearOverrideForm(c *fiber.Ctx) error {
	if !hasReason(c) {
		return s.certFailed(c, "clear:"+c.Params("contestant"), errNoReason())
	}
	err := s.certAction(c, func(svc *certificate.Service, who string) error {
		return svc.ClearOverride(c.UserContext(), c.Params("cid"), c.Params("contestant"), who, c.FormValue("reason"))
	})
	if err != nil {
		return s.certFailed(c, "clear:"+c.Params("contestant"), err)
	}
	return seeOther(c, certPath(c.Params("cid"))+"#c-"+c.Params("contestant"), "cert_override_cleared")
}

// certScoresForm imports an imported part's scores.
func (s *Site) certScoresForm(c *fiber.Ctx) error {
	if c.FormValue("dry_run") != "" {
		var chk *certificate.ScoreCheck
		err := s.certAction(c, func(svc *certificate.Service, _ string) error {
			data, err := request.Upload(c, "file", 8<<20, "send the scores as a multipart file field \"file\" (CSV or XLSX), with the field \"part\"")
			if err != nil {
				return err
			}
			chk, err = svc.CheckScores(c.UserContext(), c.Params("cid"), strings.TrimSpace(c.FormValue("part")), data)
			return err
		})
		if err != nil {
			return s.certFailed(c, "scores", err)
		}
		c.Locals(certCheckLocal, chk)
		return s.certificatesPage(c)
	}
	if !hasReason(c) {
		return s.certFailed(c, "scores", errNoReason())
	}
	var n int
	err := s.certAction(c, func(svc *certificate.Service, who string) error {
		data, err := request.Upload(c, "file", 8<<20, "send the scores as a multipart file field \"file\" (CSV or XLSX), with the field \"part\"")
		if err != nil {
			return err
		}
		n, err = svc.ImportScores(c.UserContext(), c.Params("cid"), strings.TrimSpace(c.FormValue("part")), data, who, c.FormValue("reason"))
		return err
	})
	if err != nil {
		return s.certFailed(c, "scores", err)
	}
	return seeOther(c, fmt.Sprintf("%s?scores=%d&part=%s", certPath(c.Params("cid")), n, urlQuery(c.FormValue("part"))), "cert_scores")
}

// certFinalizeForm locks the results and issues the certificates, after
// the page's confirmation step.
func (s *Site) certFinalizeForm(c *fiber.Ctx) error {
	if !hasReason(c) {
		return s.certFailed(c, "finalize", errNoReason())
	}
	err := s.certAction(c, func(svc *certificate.Service, who string) error {
		_, _, err := svc.Finalize(c.UserContext(), c.Params("cid"), who, c.FormValue("reason"))
		return err
	})
	if err != nil {
		return s.certFailed(c, "finalize", err)
	}
	return seeOther(c, certPath(c.Params("cid"))+"#issued", "cert_finalized")
}

// certAction runs a certificate action as the caller, its errors
// translated; without certificates it answers 404.
func (s *Site) certAction(c *fiber.Ctx, act func(svc *certificate.Service, who string) error) error {
	svc, err := s.certs()
	if err != nil {
		return err
	}
	u, _ := request.User(c)
	if err := act(svc, u.Username); err != nil {
		return request.Fail(err)
	}
	return nil
}

// contestRecord checks that the certificate numbered in the path belongs
// to the contest of the path.
func (s *Site) contestRecord(c *fiber.Ctx) (*certificate.Service, error) {
	svc, err := s.certs()
	if err != nil {
		return nil, err
	}
	r, err := svc.Record(c.UserContext(), c.Params("number"))
	if err != nil {
		return nil, request.Fail(err)
	}
	if r.Contest != c.Params("cid") {
		return nil, request.Say(request.NotFound(""), "cert.not_found")
	}
	return svc, nil
}

// certRevokeForm revokes a certificate.
func (s *Site) certRevokeForm(c *fiber.Ctx) error {
	svc, err := s.contestRecord(c)
	if err != nil {
		return err
	}
	if !hasReason(c) {
		return s.certFailed(c, "revoke:"+c.Params("number"), errNoReason())
	}
	u, _ := request.User(c)
	if _, err := svc.Revoke(c.UserContext(), c.Params("number"), u.Username, c.FormValue("reason")); err != nil {
		return s.certFailed(c, "revoke:"+c.Params("number"), request.Fail(err))
	}
	return seeOther(c, certPath(c.Params("cid"))+"#cert-"+c.Params("number"), "cert_revoked")
}

// certAgencyForm records the agency's national number of a certificate;
// a number not in the national format is refused with the reason.
func (s *Site) certAgencyForm(c *fiber.Ctx) error {
	svc, err := s.contestRecord(c)
	if err != nil {
		return err
	}
	agency := strings.TrimSpace(c.FormValue("agency_number"))
	if err := rules.CheckNationalNumber(agency); err != nil {
		return s.certFailed(c, "agency:"+c.Params("number"), &request.Error{Status: fiber.StatusBadRequest, Code: "agency_number", Message: "agency_number: " + err.Error()})
	}
	if !hasReason(c) {
		return s.certFailed(c, "agency:"+c.Params("number"), errNoReason())
	}
	u, _ := request.User(c)
	if _, err := svc.SetAgencyNumber(c.UserContext(), c.Params("number"), agency, u.Username, c.FormValue("reason")); err != nil {
		return s.certFailed(c, "agency:"+c.Params("number"), request.Fail(err))
	}
	return seeOther(c, certPath(c.Params("cid"))+"#cert-"+c.Params("number"), "cert_agency")
}

// certAgencyImportForm records national numbers from a file, all or nothing.
func (s *Site) certAgencyImportForm(c *fiber.Ctx) error {
	if !hasReason(c) {
		return s.certFailed(c, "agency-import", errNoReason())
	}
	var n int
	err := s.certAction(c, func(svc *certificate.Service, who string) error {
		data, err := request.Upload(c, "file", 8<<20, "send the national numbers as a multipart file field \"file\" (CSV or XLSX)")
		if err != nil {
			return err
		}
		n, err = svc.ImportAgencyNumbers(c.UserContext(), c.Params("cid"), data, who, c.FormValue("reason"))
		return err
	})
	if err != nil {
		return s.certFailed(c, "agency-import", err)
	}
	return seeOther(c, fmt.Sprintf("%s?agency=%d#issued", certPath(c.Params("cid")), n), "cert_agency_import")
}

// certTemplateForm adjusts how the contest's certificates print.
func (s *Site) certTemplateForm(c *fiber.Ctx) error {
	if !hasReason(c) {
		return s.certFailed(c, "template", errNoReason())
	}
	err := s.certAction(c, func(svc *certificate.Service, who string) error {
		old, err := svc.Template(c.UserContext(), c.Params("cid"))
		if err != nil {
			return err
		}
		t := certificate.Template{Title: c.FormValue("title"), TitleEn: c.FormValue("title_en"), AwardTitle: c.FormValue("award_title"),
			AwardTitleEn: c.FormValue("award_title_en"), Issuer: strings.Split(strings.ReplaceAll(c.FormValue("issuer"), "\r", ""), "\n"), Logo: old.Logo}
		if c.FormValue("remove_logo") != "" {
			t.Logo = nil
		}
		if fh, err := c.FormFile("logo"); err == nil && fh.Size > 0 {
			if t.Logo, err = request.Upload(c, "logo", certificate.MaxLogoBytes+1, "send the logo as a PNG or JPEG file"); err != nil {
				return err
			}
		}
		return svc.SetTemplate(c.UserContext(), c.Params("cid"), t, who, c.FormValue("reason"))
	})
	if err != nil {
		return s.certFailed(c, "template", err)
	}
	return seeOther(c, certPath(c.Params("cid"))+"#template", "cert_template")
}
