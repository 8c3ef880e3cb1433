// Package contest owns contests: their times, rules and challenges, and who
// takes part.
//
// Redis keys:
//
//	arena:contests             SET     contest ids
//	arena:contest:{cid}        STRING  the contest as JSON
//	arena:{cid}:members        SET     usernames of contestants taking part
package contest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"time"
	// The zone database goes into every binary that loads contests: their
	// zones must load on a host without tzdata.
	_ "time/tzdata"

	"github.com/redis/go-redis/v9"
	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/internal/message"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/scoreboard"
)

// ErrNotFound is returned for an unknown contest.
var ErrNotFound = errors.New("contest not found")

// InvalidError is a contest or contest.yaml that breaks a rule; its message
// names the field.
type InvalidError struct {
	msg string
	// Text is the message as a code and its arguments, where it has one.
	Text message.Text
}

func (e *InvalidError) Error() string { return e.msg }

func invalid(format string, args ...any) error {
	return &InvalidError{msg: fmt.Sprintf(format, args...)}
}

// invalidSays is invalid with the message code and its arguments (internal/message).
func invalidSays(code string, args ...any) error { return invalidText(message.New(code, args...)) }

// invalidText is invalid saying t.
func invalidText(t message.Text) error { return &InvalidError{msg: t.String(), Text: t} }

// invalidField is field's problem: message code with args.
func invalidField(field, code string, args ...any) error {
	return invalidText(message.Wrap("contest.field", message.New(code, args...), field))
}

// textOf is err as a message: its code where it has one.
func textOf(err error) message.Text {
	var inv *InvalidError
	if errors.As(err, &inv) && !inv.Text.IsZero() {
		return inv.Text
	}
	return rules.TextOf(err)
}

// inYAML is err said as a problem of contest.yaml.
func inYAML(err error) error { return invalidText(message.Wrap("contest.yaml", textOf(err))) }

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Scoring modes.
const (
	ScoringPoints = "points"
	ScoringICPC   = "icpc"
)

// Challenge is one challenge as a contest uses it.
type Challenge struct {
	Slug      string          `json:"slug"`
	Title     challenges.Text `json:"title"`
	Category  string          `json:"category"`
	Kind      string          `json:"kind"`
	Points    float64         `json:"points"`
	Languages []string        `json:"languages"`
	// Package is the blob hash of the package archive; never shown to contestants.
	Package string `json:"package"`
}

// Limits bound how often a contestant may submit; zero means no limit.
type Limits struct {
	PerChallengePerDay int   `json:"per_challenge_per_day" yaml:"per_challenge_per_day"`
	Total              int   `json:"total" yaml:"total"`
	MinIntervalSeconds int64 `json:"min_interval_seconds" yaml:"min_interval_seconds"`
}

// Contest is one competition.
type Contest struct {
	ID      string          `json:"id"`
	Title   challenges.Text `json:"title"`
	Start   time.Time       `json:"start"`
	End     time.Time       `json:"end"`
	Freeze  *time.Time      `json:"freeze,omitempty"`
	Scoring string          `json:"scoring"`
	// PenaltyMinutes is the ICPC penalty per rejected attempt before the accept.
	PenaltyMinutes int64 `json:"penalty_minutes"`
	// Languages, when set, narrows every challenge's languages.
	Languages []string `json:"languages,omitempty"`
	Limits    Limits   `json:"limits"`
	// AttemptsAfterAccept allows submitting again to a challenge already solved.
	AttemptsAfterAccept bool        `json:"attempts_after_accept"`
	Challenges          []Challenge `json:"challenges"`
	// Unfrozen is set once the organizer has revealed the public board (all at
	// once or by starting the step-by-step reveal); results are final from then on.
	Unfrozen bool `json:"unfrozen,omitempty"`
	// Revealing is set while the step-by-step reveal runs.
	Revealing bool `json:"revealing,omitempty"`
	// Tier is how high the competition ranks (national-1 ... city, industry).
	Tier rules.Tier `json:"tier,omitempty"`
	// Certificates are the rules for awards and skill level certificates.
	Certificates *rules.Rules `json:"certificates,omitempty"`
	// Timezone is the IANA name of the zone the contest takes place in, in
	// which its pages show times and its certificates are dated.
	Timezone string `json:"timezone,omitempty"`
	// Staff are the accounts that run and judge the contest.
	Staff
}

// DefaultTimezone is a contest's zone when contest.yaml names none.
const DefaultTimezone = "Asia/Shanghai"

// LoadZone returns the zone an IANA name (e.g. Asia/Shanghai, UTC) names;
// "" is DefaultTimezone. "Local", the server's own zone, names none: a
// contest's times must not move with the host it is served from.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultTimezone
	}
	if name == "Local" {
		return nil, invalidSays("contest.zone_name", strconv.Quote(name), DefaultTimezone)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalidSays("contest.zone_unknown", strconv.Quote(name), DefaultTimezone)
	}
	return loc, nil
}

// Location is the contest's zone (Timezone; DefaultTimezone where the
// name no longer loads, which Validate refuses).
func (c *Contest) Location() *time.Location {
	if loc, err := LoadZone(c.Timezone); err == nil {
		return loc
	}
	loc, _ := LoadZone("")
	return loc
}

// Staff are a contest's organizers and judges (usernames). Only admins
// change them (Admin.SetStaff).
type Staff struct {
	// Organizers run the contest: times, reveal, imports, certificates,
	// exports of personal data; they are on its jury too.
	Organizers []string `json:"organizers,omitempty"`
	// Judges judge it: live board, sources, rejudges, overrides, clarifications.
	Judges []string `json:"judges,omitempty"`
}

// Equal reports whether s and t list the same people in the same places.
func (s Staff) Equal(t Staff) bool {
	same := func(a, b []string) bool {
		return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
	}
	return same(s.Organizers, t.Organizers) && same(s.Judges, t.Judges)
}

// IsOrganizer reports whether u runs c: an admin, or an organizer account
// c lists among its organizers.
func (c *Contest) IsOrganizer(u account.User) bool {
	return u.Role == account.Admin || u.Role == account.Organizer && slices.Contains(c.Organizers, u.Username)
}

// IsJury reports whether u is on c's jury: its organizers, and the judge
// and organizer accounts c lists among its judges.
func (c *Contest) IsJury(u account.User) bool {
	return c.IsOrganizer(u) || (u.Role == account.Judge || u.Role == account.Organizer) && slices.Contains(c.Judges, u.Username)
}

// Slugs returns the challenges' slugs in board order.
func (c *Contest) Slugs() []string {
	out := make([]string, len(c.Challenges))
	for i, ch := range c.Challenges {
		out[i] = ch.Slug
	}
	return out
}

// BoardParams are the rules the contest's boards apply.
func (c *Contest) BoardParams() scoreboard.Params {
	p := scoreboard.Params{Scoring: c.Scoring, Penalty: c.PenaltyMinutes, Freeze: -1,
		Unfrozen: c.Unfrozen && !c.Revealing, Final: c.Unfrozen}
	if c.Freeze != nil {
		p.Freeze, p.FreezeAt = scoreboard.Elapsed(c.Start, *c.Freeze), c.Freeze.UnixMilli()
	}
	return p
}

// Challenge returns the challenge with the given slug.
func (c *Contest) Challenge(slug string) (Challenge, bool) {
	for _, ch := range c.Challenges {
		if ch.Slug == slug {
			return ch, true
		}
	}
	return Challenge{}, false
}

// State is where a contest stands at a moment.
type State string

// States.
const (
	NotStarted State = "not_started"
	Running    State = "running"
	Ended      State = "ended"
)

// StateAt returns the contest's state at t.
func (c *Contest) StateAt(t time.Time) State {
	switch {
	case t.Before(c.Start):
		return NotStarted
	case t.Before(c.End):
		return Running
	default:
		return Ended
	}
}

// FrozenAt reports whether the public board is frozen at t.
func (c *Contest) FrozenAt(t time.Time) bool {
	return c.Freeze != nil && !t.Before(*c.Freeze)
}

// Validate checks the contest and names the first field that is wrong.
func (c *Contest) Validate() error {
	if !idRE.MatchString(c.ID) {
		return invalidField("id", "contest.not_slug", strconv.Quote(c.ID))
	}
	if c.Title.Zh == "" && c.Title.En == "" {
		return invalidField("title", "contest.no_title")
	}
	if !c.End.After(c.Start) {
		return invalidSays("contest.end_before_start")
	}
	if c.Freeze != nil && (c.Freeze.Before(c.Start) || c.Freeze.After(c.End)) {
		return invalidSays("contest.freeze_outside")
	}
	if c.Scoring == "" {
		c.Scoring = ScoringPoints
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	if _, err := LoadZone(c.Timezone); err != nil {
		return invalidText(message.Wrap("contest.field", textOf(err), "timezone"))
	}
	if c.Scoring != ScoringPoints && c.Scoring != ScoringICPC {
		return invalidField("scoring", "contest.scoring", strconv.Quote(c.Scoring))
	}
	if c.PenaltyMinutes == 0 {
		c.PenaltyMinutes = 20
	}
	if c.PenaltyMinutes < 0 || c.PenaltyMinutes > 1000 {
		return invalidField("penalty_minutes", "contest.penalty", c.PenaltyMinutes)
	}
	if c.Limits.PerChallengePerDay < 0 || c.Limits.Total < 0 || c.Limits.MinIntervalSeconds < 0 {
		return invalidField("submissions", "contest.limits_negative")
	}
	if len(c.Challenges) == 0 {
		return invalidField("challenges", "contest.no_challenges")
	}
	seen := map[string]bool{}
	for i, ch := range c.Challenges {
		if seen[ch.Slug] {
			return invalidField(fmt.Sprintf("challenges[%d]", i), "contest.slug_twice", strconv.Quote(ch.Slug))
		}
		seen[ch.Slug] = true
		if ch.Package == "" {
			return invalidField(fmt.Sprintf("challenges[%d]", i), "contest.no_package")
		}
		if ch.Points <= 0 {
			return invalidField(fmt.Sprintf("challenges[%d]", i), "contest.points_positive")
		}
	}
	if c.Tier != "" {
		if _, err := rules.ParseTier(string(c.Tier)); err != nil {
			return invalidText(message.Wrap("contest.field", textOf(err), "tier"))
		}
	}
	if c.Certificates != nil {
		if c.Tier == "" {
			return invalidField("tier", "contest.tier_required")
		}
		if err := c.Certificates.Validate(c.Slugs()); err != nil {
			return invalidText(textOf(err))
		}
	}
	return nil
}

// Store keeps contests in Redis.
type Store struct {
	rdb redis.UniversalClient
}

// NewStore returns a store on rdb.
func NewStore(rdb redis.UniversalClient) *Store { return &Store{rdb: rdb} }

const contestsKey = "arena:contests"

func contestKey(cid string) string { return "arena:contest:" + cid }
func membersKey(cid string) string { return "arena:{" + cid + "}:members" }

// Put creates or replaces a contest.
func (s *Store) Put(ctx context.Context, c *Contest) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("contest %s: %w", c.ID, err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode contest %s: %w", c.ID, err)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, contestKey(c.ID), b, 0)
		p.SAdd(ctx, contestsKey, c.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save contest %s: %w", c.ID, err)
	}
	return nil
}

// Get returns the contest with id cid.
func (s *Store) Get(ctx context.Context, cid string) (*Contest, error) {
	if !idRE.MatchString(cid) {
		return nil, ErrNotFound
	}
	b, err := s.rdb.Get(ctx, contestKey(cid)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load contest %s: %w", cid, err)
	}
	var c Contest
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("decode contest %s: %w", cid, err)
	}
	return &c, nil
}

// List returns every contest, latest start first.
func (s *Store) List(ctx context.Context) ([]*Contest, error) {
	ids, err := s.rdb.SMembers(ctx, contestsKey).Result()
	if err != nil {
		return nil, fmt.Errorf("list contests: %w", err)
	}
	out := make([]*Contest, 0, len(ids))
	for _, id := range ids {
		c, err := s.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.After(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// AddMembers registers contestants for a contest.
func (s *Store) AddMembers(ctx context.Context, cid string, usernames ...string) error {
	if len(usernames) == 0 {
		return nil
	}
	if err := s.rdb.SAdd(ctx, membersKey(cid), usernames).Err(); err != nil {
		return fmt.Errorf("register contestants for %s: %w", cid, err)
	}
	return nil
}

// IsMember reports whether username takes part in contest cid.
func (s *Store) IsMember(ctx context.Context, cid, username string) (bool, error) {
	ok, err := s.rdb.SIsMember(ctx, membersKey(cid), username).Result()
	if err != nil {
		return false, fmt.Errorf("check membership in %s: %w", cid, err)
	}
	return ok, nil
}

// Members returns the contestants of a contest, sorted.
func (s *Store) Members(ctx context.Context, cid string) ([]string, error) {
	m, err := s.rdb.SMembers(ctx, membersKey(cid)).Result()
	if err != nil {
		return nil, fmt.Errorf("list contestants of %s: %w", cid, err)
	}
	slices.Sort(m)
	return m, nil
}
