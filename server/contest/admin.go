package contest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/refusal"
	"github.com/skillarena/arena/server/scoreboard"
)

// Admin changes contests. It keeps the boards' rules in step with the
// contest and writes every change to the contest's audit log.
type Admin struct {
	Contests *Store
	// Accounts are where staff are looked up; every name on a contest's
	// staff must be an account of a staff role.
	Accounts *account.Store
	Board    *scoreboard.Store
	Audit    *audit.Log
	Now      func() time.Time
	// Finalized, when set, says whether a contest's certificates are issued
	// (certificate.Service.Finalized): a change to what they were issued
	// from is then refused (see lockedChanges).
	Finalized func(ctx context.Context, cid string) (bool, error)
}

// Errors for actions the contest's state does not allow.
var (
	ErrNotEnded = errors.New("the contest has not ended yet")
)

// Save stores c and, when its board rules changed, rebuilds the boards.
// The change is audited as action by who, for reason.
func (a *Admin) Save(ctx context.Context, c *Contest, who, action, reason string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	old, err := a.Contests.Get(ctx, c.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if err := a.checkLocked(ctx, old, c); err != nil {
		return err
	}
	if err := a.Contests.Put(ctx, c); err != nil {
		return err
	}
	p := c.BoardParams()
	current, err := a.Board.Params(ctx, c.ID)
	if err != nil {
		return err
	}
	if old == nil || current != p {
		if err := a.Board.SetParams(ctx, c.ID, p); err != nil {
			return err
		}
	}
	return a.Audit.Append(ctx, c.ID, audit.Entry{Who: who, Action: action, Reason: reason, Details: diff(old, c)})
}

// Enroll registers contestants for contest cid and puts them on its boards.
func (a *Admin) Enroll(ctx context.Context, cid string, cs ...scoreboard.Contestant) error {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	if err := a.Contests.AddMembers(ctx, cid, ids...); err != nil {
		return err
	}
	return a.Board.Enroll(ctx, cid, cs...)
}

// Lookup finds a contestant by username, for contest.yaml's contestants list.
type Lookup func(ctx context.Context, username string) (scoreboard.Contestant, error)

// Load creates or updates the contest a contest.yaml describes and registers
// its contestants, as by: only an admin creates a contest or changes its
// staff, and only its organizers (or an admin) update it. Loading the same
// file again updates the contest and keeps every submission. Contestants
// and staff are looked up first, so a bad list changes nothing.
func (a *Admin) Load(ctx context.Context, data []byte, resolve Resolver, lookup Lookup, by account.User) (*Contest, error) {
	f, err := ParseFile(data)
	if err != nil {
		return nil, err
	}
	if !idRE.MatchString(f.ID) {
		return nil, inYAML(invalidField("id", "contest.not_slug", strconv.Quote(f.ID)))
	}
	old, err := a.Contests.Get(ctx, f.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	switch {
	case old == nil && by.Role != account.Admin:
		return nil, refusal.New(refusal.Forbidden, "refusal.create_contest", f.ID)
	case old != nil && !old.IsOrganizer(by):
		return nil, refusal.New(refusal.Forbidden, "refusal.not_organizer", f.ID)
	}
	var enroll []scoreboard.Contestant
	for i, name := range f.Contestants {
		c, err := lookup(ctx, name)
		if err != nil {
			return nil, invalid("contest.yaml: contestants[%d]: %q: %v", i, name, err)
		}
		enroll = append(enroll, c)
	}
	c, err := f.Build(ctx, resolve, old)
	if err != nil {
		return nil, err
	}
	if old != nil && !old.Staff.Equal(c.Staff) && by.Role != account.Admin {
		return nil, refusal.New(refusal.Forbidden, "refusal.staff_admin")
	}
	if err := a.checkStaff(ctx, c.Staff); err != nil {
		return nil, inYAML(err)
	}
	if err := a.checkStatusLists(ctx, c, enroll); err != nil {
		return nil, err
	}
	action := "contest.create"
	if old != nil {
		action = "contest.update"
	}
	if err := a.Save(ctx, c, by.Username, action, "contest.yaml loaded"); err != nil {
		return nil, err
	}
	if err := a.Enroll(ctx, c.ID, enroll...); err != nil {
		return nil, err
	}
	return c, nil
}

// checkStatusLists refuses certificate rules whose unofficial or
// disqualified lists name anyone who is not a contestant of the contest:
// registered already, or by this file's contestants list.
func (a *Admin) checkStatusLists(ctx context.Context, c *Contest, enroll []scoreboard.Contestant) error {
	rs := c.Certificates
	if rs == nil || len(rs.Unofficial)+len(rs.Disqualified) == 0 {
		return nil
	}
	members, err := a.Contests.Members(ctx, c.ID)
	if err != nil {
		return err
	}
	known := make(map[string]bool, len(members)+len(enroll))
	for _, m := range members {
		known[m] = true
	}
	for _, e := range enroll {
		known[e.ID] = true
	}
	for _, list := range []struct {
		field string
		names []string
	}{{"unofficial", rs.Unofficial}, {"disqualified", rs.Disqualified}} {
		for i, name := range list.names {
			if !known[name] {
				return inYAML(invalidField(fmt.Sprintf("certificates.%s[%d]", list.field, i), "contest.not_contestant", strconv.Quote(name)))
			}
		}
	}
	return nil
}

// SetStaff replaces contest cid's organizers and judges, as an admin does;
// the change is audited with who came and went.
func (a *Admin) SetStaff(ctx context.Context, cid string, st Staff, who, reason string) (*Contest, error) {
	if reason == "" {
		return nil, refusal.New(refusal.Invalid, "refusal.staff_reason")
	}
	st = Staff{Organizers: tidy(st.Organizers), Judges: tidy(st.Judges)}
	if err := a.checkStaff(ctx, st); err != nil {
		return nil, refusal.Invalidf("%v", err)
	}
	c, err := a.Contests.Get(ctx, cid)
	if err != nil {
		return nil, err
	}
	c.Staff = st
	if err := a.Save(ctx, c, who, "contest.staff", reason); err != nil {
		return nil, err
	}
	return c, nil
}

// checkStaff refuses a staff list naming anyone but existing accounts of a
// role fit for the place: organizers are organizer or admin accounts,
// judges any staff account.
func (a *Admin) checkStaff(ctx context.Context, st Staff) error {
	for _, list := range []struct {
		field string
		names []string
		fits  func(account.Role) bool
		want  string
	}{
		{"organizers", st.Organizers, func(r account.Role) bool { return r == account.Organizer || r == account.Admin }, "an organizer or admin account"},
		{"judges", st.Judges, account.Role.Staff, "a judge, organizer or admin account"},
	} {
		seen := map[string]bool{}
		for i, name := range list.names {
			if seen[name] {
				return fmt.Errorf("%s[%d]: %q is listed twice", list.field, i, name)
			}
			seen[name] = true
			u, err := a.Accounts.Get(ctx, name)
			if errors.Is(err, account.ErrNotFound) {
				return fmt.Errorf("%s[%d]: no account %q", list.field, i, name)
			}
			if err != nil {
				return err
			}
			if !list.fits(u.Role) {
				return fmt.Errorf("%s[%d]: %s is a %s account, not %s", list.field, i, name, u.Role, list.want)
			}
		}
	}
	return nil
}

// tidy is names trimmed, without empty ones.
func tidy(names []string) []string {
	out := []string{}
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Times are the changeable times of a contest; nil leaves one as it is.
type Times struct {
	Start       *time.Time `json:"start"`
	End         *time.Time `json:"end"`
	Freeze      *time.Time `json:"freeze"`
	ClearFreeze bool       `json:"clear_freeze"`
}

// SetTimes changes a contest's times, e.g. to extend it while it runs.
func (a *Admin) SetTimes(ctx context.Context, cid string, t Times, who, reason string) (*Contest, error) {
	c, err := a.Contests.Get(ctx, cid)
	if err != nil {
		return nil, err
	}
	if t.Start != nil {
		c.Start = t.Start.UTC()
	}
	if t.End != nil {
		c.End = t.End.UTC()
	}
	if t.ClearFreeze {
		c.Freeze = nil
	} else if t.Freeze != nil {
		f := t.Freeze.UTC()
		c.Freeze = &f
	}
	if err := a.Save(ctx, c, who, "contest.times", reason); err != nil {
		return nil, err
	}
	return c, nil
}

// Unfreeze reveals the whole public board at once, after the end.
func (a *Admin) Unfreeze(ctx context.Context, cid, who, reason string) (*Contest, error) {
	c, err := a.Contests.Get(ctx, cid)
	if err != nil {
		return nil, err
	}
	if c.StateAt(a.now()) != Ended {
		return nil, ErrNotEnded
	}
	c.Unfrozen, c.Revealing = true, false
	if err := a.Save(ctx, c, who, "contest.unfreeze", reason); err != nil {
		return nil, err
	}
	return c, nil
}

// RevealNext reveals one frozen result, lowest-ranked contestant first;
// the first call starts the reveal. It returns nil when nothing is left, and
// the public board is then unfrozen.
func (a *Admin) RevealNext(ctx context.Context, cid, who string) (*scoreboard.Revealed, error) {
	c, err := a.Contests.Get(ctx, cid)
	if err != nil {
		return nil, err
	}
	if c.StateAt(a.now()) != Ended {
		return nil, ErrNotEnded
	}
	if !c.Unfrozen {
		c.Unfrozen, c.Revealing = true, true
		if err := a.Save(ctx, c, who, "contest.reveal.start", ""); err != nil {
			return nil, err
		}
	}
	r, err := a.Board.RevealNext(ctx, cid, c.Slugs())
	if err != nil {
		return nil, err
	}
	if r == nil && c.Revealing {
		c.Revealing = false
		if err := a.Save(ctx, c, who, "contest.reveal.done", ""); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// checkLocked refuses a change to a contest whose certificates are issued
// when it touches what they were issued from: the certificate rules and
// parts, the tier, the challenges and the scoring. The issued records and
// the snapshot would still say the old, and a list drawn from the new would
// disagree with what was signed.
func (a *Admin) checkLocked(ctx context.Context, old, c *Contest) error {
	if old == nil || a.Finalized == nil {
		return nil
	}
	changed := lockedChanges(old, c)
	if len(changed) == 0 {
		return nil
	}
	done, err := a.Finalized(ctx, c.ID)
	if err != nil || !done {
		return err
	}
	return refusal.New(refusal.Conflict, "contest.locked", c.ID, strings.Join(changed, ", "))
}

// lockedChanges names the fields certificates are issued from that differ
// between old and c.
func lockedChanges(old, c *Contest) []string {
	var out []string
	same := func(a, b any) bool {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		return string(x) == string(y)
	}
	type challenge struct {
		Slug   string
		Title  challenges.Text
		Points float64
	}
	list := func(cs []Challenge) []challenge {
		out := make([]challenge, len(cs))
		for i, ch := range cs {
			out[i] = challenge{ch.Slug, ch.Title, ch.Points}
		}
		return out
	}
	rulesOf := func(ct *Contest) any {
		if ct.Certificates == nil {
			return nil
		}
		r := *ct.Certificates
		r.Normalize()
		return r
	}
	for _, f := range []struct {
		name string
		a, b any
	}{
		{"certificates", rulesOf(old), rulesOf(c)},
		{"tier", old.Tier, c.Tier},
		{"challenges", list(old.Challenges), list(c.Challenges)},
		{"scoring", old.Scoring, c.Scoring},
		{"penalty_minutes", old.PenaltyMinutes, c.PenaltyMinutes},
	} {
		if !same(f.a, f.b) {
			out = append(out, f.name)
		}
	}
	return out
}

func (a *Admin) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// diff lists the fields that changed between old and c, for the audit log.
func diff(old, c *Contest) map[string]any {
	d := map[string]any{}
	if old == nil {
		d["created"] = c.ID
		return d
	}
	add := func(name string, from, to any) {
		if fmt.Sprint(from) != fmt.Sprint(to) {
			d[name] = map[string]any{"from": from, "to": to}
		}
	}
	add("start", old.Start, c.Start)
	add("end", old.End, c.End)
	add("freeze", fmtTime(old.Freeze), fmtTime(c.Freeze))
	add("scoring", old.Scoring, c.Scoring)
	add("penalty_minutes", old.PenaltyMinutes, c.PenaltyMinutes)
	add("challenges", old.Slugs(), c.Slugs())
	add("unfrozen", old.Unfrozen, c.Unfrozen)
	add("revealing", old.Revealing, c.Revealing)
	add("limits", old.Limits, c.Limits)
	add("organizers", old.Organizers, c.Organizers)
	add("judges", old.Judges, c.Judges)
	return d
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// AccountLookup finds contest.yaml's contestants among the accounts.
func AccountLookup(accounts *account.Store) Lookup {
	return func(ctx context.Context, name string) (scoreboard.Contestant, error) {
		u, err := accounts.Get(ctx, name)
		if errors.Is(err, account.ErrNotFound) {
			return scoreboard.Contestant{}, errors.New("no such account (import contestants first)")
		}
		if err != nil {
			return scoreboard.Contestant{}, err
		}
		if u.Role != account.Contestant {
			return scoreboard.Contestant{}, fmt.Errorf("%s is a %s, not a contestant", u.Username, u.Role)
		}
		return scoreboard.Contestant{ID: u.Username, Name: u.Name, Organization: u.Organization}, nil
	}
}
