package certificate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
)

// Override is an organizer's change to one contestant's flags, with the reason.
type Override struct {
	Contestant string `json:"contestant"`
	// Status, if set, replaces the contestant's status; places are recomputed.
	Status rules.Status `json:"status,omitempty"`
	// Award, if set, replaces the award; "" inside means none.
	Award *string `json:"award,omitempty"`
	// Level, if set, replaces the certificate level; 0 means none.
	Level  *rules.Level `json:"level,omitempty"`
	Reason string       `json:"reason"`
	By     string       `json:"by"`
	At     time.Time    `json:"at"`
}

// Entry is one contestant under review: the flags the rules give, the
// override if any, and who they are.
type Entry struct {
	rules.Flag
	Holder      Holder      `json:"holder"`
	AwardTitle  string      `json:"award_title,omitempty"`
	LevelName   string      `json:"level_name,omitempty"`
	CurrentName string      `json:"current_level_name,omitempty"`
	Override    *Override   `json:"override,omitempty"`
	Number      string      `json:"number,omitempty"`
	PartScores  []PartScore `json:"part_scores,omitempty"`
	// HeldNumber is the number of the certificate of the level held (Current).
	HeldNumber string `json:"held_number,omitempty"`
}

// Winner reports whether the entry gets a certificate: an award or a level.
func (e Entry) Winner() bool { return e.Award != "" || e.Level != rules.NoLevel }

// Review is a contest's certificate flags: computed from the final
// standings until finalized, then the locked snapshot.
type Review struct {
	Contest      string       `json:"contest"`
	Finalized    bool         `json:"finalized"`
	FinalizedAt  *time.Time   `json:"finalized_at,omitempty"`
	FinalizedBy  string       `json:"finalized_by,omitempty"`
	Participants int          `json:"participants"`
	Parts        []rules.Part `json:"parts,omitempty"`
	Entries      []Entry      `json:"entries"`
}

// Masked returns a copy of the review with personal data masked, for views.
func (r *Review) Masked() *Review {
	out := *r
	out.Entries = make([]Entry, len(r.Entries))
	for i, e := range r.Entries {
		e.Holder = e.Holder.Masked()
		e.Name = MaskName(e.Name)
		out.Entries[i] = e
	}
	return &out
}

// Review returns contest cid's certificate flags: the finalized snapshot,
// or flags computed now from the final standings.
func (s *Service) Review(ctx context.Context, cid string) (*Review, error) {
	ct, err := s.contestWithRules(ctx, cid)
	if err != nil {
		return nil, err
	}
	if r, err := s.snapshot(ctx, cid); err != nil || r != nil {
		return r, err
	}
	if !s.Final(ct) {
		return nil, ErrNotFinal
	}
	return s.compute(ctx, ct)
}

// snapshot returns the finalized review, or nil.
func (s *Service) snapshot(ctx context.Context, cid string) (*Review, error) {
	raw, err := s.rdb.Get(ctx, finalKey(cid)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read certificates of %s: %w", cid, err)
	}
	var r Review
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("decode certificates of %s: %w", cid, err)
	}
	return &r, nil
}

// compute applies the rules to the final jury board of ct.
func (s *Service) compute(ctx context.Context, ct *contest.Contest) (*Review, error) {
	return s.computeWith(ctx, ct, nil)
}

// computeWith applies the rules with the overrides kept and, if given, a
// further one in place of the contestant's (a preview).
func (s *Service) computeWith(ctx context.Context, ct *contest.Contest, extra *Override) (*Review, error) {
	rs := ct.Certificates
	b, err := s.board.Read(ctx, ct.ID, scoreboard.Jury)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(b.Rows))
	for i, row := range b.Rows {
		names[i] = row.Contestant.ID
	}
	users, err := s.accounts.GetMany(ctx, names)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]account.User, len(users))
	for _, u := range users {
		byName[u.Username] = u
	}
	overrides, err := s.overrides(ctx, ct.ID)
	if err != nil {
		return nil, err
	}
	if extra != nil {
		overrides[extra.Contestant] = *extra
	}
	imported, absent, err := s.importedScores(ctx, ct.ID, rs)
	if err != nil {
		return nil, err
	}
	entrants := make([]rules.Entrant, 0, len(b.Rows))
	holders, heldNumbers := map[string]Holder{}, map[string]string{}
	for _, row := range b.Rows {
		u, ok := byName[row.Contestant.ID]
		if ok && u.Role != account.Contestant {
			continue
		}
		if !ok {
			u = account.User{Username: row.Contestant.ID, Name: row.Contestant.Name, Organization: row.Contestant.Organization}
		}
		e := rules.Entrant{ID: u.Username, Name: u.Name, Category: rules.Category(u.Category), Level: rules.Level(u.Level),
			BoardRank: row.Rank, Total: row.Total, Time: row.Time}
		if u.Promoted != "" {
			e.Promoted, _ = time.ParseInLocation(time.DateOnly, u.Promoted, ct.Location())
		}
		if err := s.withHeld(ctx, &e, u, ct.ID, ct.Location(), heldNumbers); err != nil {
			return nil, err
		}
		for _, c := range row.Challenges {
			if c.Attempts > 0 {
				e.TookPart = true
			}
		}
		if len(rs.Parts) > 0 {
			e.Parts = map[string]float64{}
			for _, p := range rs.Parts {
				if p.Imported() {
					if absent[p.Name][u.Username] {
						e.Absent = append(e.Absent, p.Name)
						continue
					}
					if v, ok := imported[p.Name][u.Username]; ok {
						e.Parts[p.Name] = v
						e.TookPart = true
					}
					continue
				}
				e.Parts[p.Name] = partScore(ct, p, row)
			}
		}
		if o, ok := overrides[u.Username]; ok && o.Status != "" {
			e.Status = o.Status
		}
		entrants = append(entrants, e)
		holders[u.Username] = Holder{Username: u.Username, Name: u.Name, Gender: u.Gender, IDType: u.IDType, IDNumber: u.IDNumber,
			Organization: u.Organization, Category: u.Category, Phone: u.Phone, Email: u.Email}
	}
	out := rs.Compute(entrants, ct.End.In(ct.Location()))
	rv := &Review{Contest: ct.ID, Participants: out.Participants, Parts: rs.Parts, Entries: make([]Entry, len(out.Flags))}
	for i, f := range out.Flags {
		e := Entry{Flag: f, Holder: holders[f.Contestant], HeldNumber: heldNumbers[f.Contestant]}
		if o, ok := overrides[f.Contestant]; ok {
			e.Override = &o
			if o.Award != nil {
				e.Award = *o.Award
			}
			if o.Level != nil {
				e.Level = *o.Level
			}
			e.Notes = append(e.Notes, rules.Note{Code: rules.NoteOverride, Args: []string{o.By, o.Reason}})
		}
		e.AwardTitle = rs.AwardTitle(e.Award, "zh")
		if e.Award == "" {
			e.AwardTitle = ""
		}
		e.LevelName, e.CurrentName = e.Level.String(), e.Current.String()
		for _, p := range rs.Parts {
			e.PartScores = append(e.PartScores, PartScore{Name: p.Name, Title: p.Label(), Score: e.Parts[p.Name], Absent: slices.Contains(e.Flag.Absent, p.Name)})
		}
		rv.Entries[i] = e
	}
	return rv, nil
}

// partScore is a contestant's score on a part made of challenges, out of 100.
func partScore(ct *contest.Contest, p rules.Part, row scoreboard.Row) float64 {
	var got, max float64
	for _, slug := range p.Challenges {
		ch, ok := ct.Challenge(slug)
		if !ok {
			continue
		}
		c := row.Challenges[slug]
		if ct.Scoring == contest.ScoringICPC {
			max++
			if c.Solved {
				got++
			}
			continue
		}
		max += ch.Points
		got += min(c.Score, ch.Points)
	}
	if max == 0 {
		return 0
	}
	return got * 100 / max
}

func (s *Service) overrides(ctx context.Context, cid string) (map[string]Override, error) {
	m, err := s.rdb.HGetAll(ctx, overridesKey(cid)).Result()
	if err != nil {
		return nil, fmt.Errorf("read overrides of %s: %w", cid, err)
	}
	out := make(map[string]Override, len(m))
	for user, raw := range m {
		var o Override
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			return nil, fmt.Errorf("decode override of %s in %s: %w", user, cid, err)
		}
		out[user] = o
	}
	return out, nil
}

// importedScores reads the imported parts' scores, scaled to 100, and who
// was absent (缺考) from each.
func (s *Service) importedScores(ctx context.Context, cid string, rs *rules.Rules) (scores map[string]map[string]float64, absent map[string]map[string]bool, err error) {
	scores, absent = map[string]map[string]float64{}, map[string]map[string]bool{}
	for _, p := range rs.Parts {
		if !p.Imported() {
			continue
		}
		m, err := s.rdb.HGetAll(ctx, scoresKey(cid, p.Name)).Result()
		if err != nil {
			return nil, nil, fmt.Errorf("read %s scores of %s: %w", p.Name, cid, err)
		}
		full := p.Max
		if full == 0 {
			full = 100
		}
		scores[p.Name], absent[p.Name] = map[string]float64{}, map[string]bool{}
		for user, raw := range m {
			if raw == absentValue {
				absent[p.Name][user] = true
				continue
			}
			v, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s score of %s in %s: %w", p.Name, user, cid, err)
			}
			scores[p.Name][user] = v * 100 / full
		}
	}
	return scores, absent, nil
}

// OverrideRequest changes one contestant's flags. Empty fields leave the
// flag as it is; Award "none" and Level "none" take the award or level away.
type OverrideRequest struct {
	Contestant string `json:"contestant"`
	Status     string `json:"status"`
	Award      string `json:"award"`
	Level      string `json:"level"`
	Reason     string `json:"reason"`
}

// SetOverride records an organizer's override of one contestant's flags,
// merged with any earlier one, and audits it. Overrides are refused once
// the certificates are finalized.
func (s *Service) SetOverride(ctx context.Context, cid string, req OverrideRequest, who string) (*Override, error) {
	if _, err := s.contestWithRules(ctx, cid); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Reason) == "" {
		return nil, badInput("cert.reason")
	}
	ct, o, err := s.buildOverride(ctx, cid, req, who)
	if err != nil {
		return nil, err
	}
	// The audit log keeps whose results the override moved.
	var moved []string
	if s.Final(ct) {
		changes, err := s.changes(ctx, ct, o)
		if err != nil {
			return nil, err
		}
		for _, c := range changes {
			moved = append(moved, c.String())
		}
	}
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("encode override: %w", err)
	}
	if err := s.rdb.HSet(ctx, overridesKey(cid), req.Contestant, b).Err(); err != nil {
		return nil, fmt.Errorf("save override: %w", err)
	}
	details := map[string]any{}
	for k, v := range map[string]string{"status": req.Status, "award": req.Award, "level": req.Level} {
		if v != "" {
			details[k] = v
		}
	}
	if moved != nil {
		details["changes"] = moved
	}
	if err := s.audit.Append(ctx, cid, audit.Entry{Who: who, Action: "certificate.override", Target: req.Contestant,
		Reason: req.Reason, Details: details}); err != nil {
		return nil, err
	}
	return &o, nil
}

// buildOverride checks req and merges it into the contestant's override.
func (s *Service) buildOverride(ctx context.Context, cid string, req OverrideRequest, who string) (*contest.Contest, Override, error) {
	ct, err := s.contestWithRules(ctx, cid)
	if err != nil {
		return nil, Override{}, err
	}
	rs := ct.Certificates
	if ok, err := s.contests.IsMember(ctx, cid, req.Contestant); err != nil {
		return nil, Override{}, err
	} else if !ok {
		return nil, Override{}, badInput("cert.not_contestant", strconv.Quote(req.Contestant), cid)
	}
	if done, err := s.Finalized(ctx, cid); err != nil {
		return nil, Override{}, err
	} else if done {
		return nil, Override{}, ErrFinalized
	}
	old, err := s.overrides(ctx, cid)
	if err != nil {
		return nil, Override{}, err
	}
	o := old[req.Contestant]
	o.Contestant, o.Reason, o.By, o.At = req.Contestant, req.Reason, who, s.now().UTC()
	if req.Status != "" {
		st, err := rules.ParseStatus(req.Status)
		if err != nil {
			return nil, Override{}, badInputOf("cert.status", rules.TextOf(err))
		}
		o.Status = st
	}
	if req.Award != "" {
		a := ""
		if req.Award != "none" {
			if _, ok := rs.Award(req.Award); !ok {
				return nil, Override{}, badInput("cert.no_award", strconv.Quote(req.Award))
			}
			a = req.Award
		}
		o.Award = &a
	}
	if req.Level != "" {
		l := rules.NoLevel
		if req.Level != "none" {
			var err error
			if l, err = rules.ParseLevel(req.Level); err != nil {
				return nil, Override{}, badInputOf("cert.level", rules.TextOf(err))
			}
			if l > rs.LowestLevel || l < rs.HighestLevel {
				return nil, Override{}, badInput("cert.level_outside", l, rs.LowestLevel, rs.HighestLevel)
			}
		}
		o.Level = &l
	}
	if req.Status == "" && req.Award == "" && req.Level == "" {
		return nil, Override{}, badInput("cert.no_change")
	}
	return ct, o, nil
}

// ClearOverride removes an override, audited.
func (s *Service) ClearOverride(ctx context.Context, cid, contestant, who, reason string) error {
	if _, err := s.contestWithRules(ctx, cid); err != nil {
		return err
	}
	if strings.TrimSpace(reason) == "" {
		return badInput("cert.reason")
	}
	if done, err := s.Finalized(ctx, cid); err != nil {
		return err
	} else if done {
		return ErrFinalized
	}
	n, err := s.rdb.HDel(ctx, overridesKey(cid), contestant).Result()
	if err != nil {
		return fmt.Errorf("remove override: %w", err)
	}
	if n == 0 {
		return badInput("cert.no_override", strconv.Quote(contestant))
	}
	return s.audit.Append(ctx, cid, audit.Entry{Who: who, Action: "certificate.override.clear", Target: contestant, Reason: reason})
}
