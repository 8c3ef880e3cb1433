// Package clics serves SkillArena's contests through the CLICS Contest API
// (version 2023-06) under /clics, for the ICPC world's tools: the Resolver,
// contest data servers, shadow systems. It reads through the stores and
// services that own the data (contests, submissions, the board,
// clarifications, the event log, blobs) and owns no Redis keys.
//
// Two views: a contest's staff (its organizers and judges, and admins)
// see everything, live; everyone else sees the public view, in which the
// results of submissions made after the freeze stay unjudged until the
// board reveals them, questions and private answers are left out, and
// problems appear once the contest has started.
//
// Mapping (README, "The CLICS Contest API"):
//
//	contest       id = contest id; scoreboard_type pass-fail (icpc) or score (points)
//	problems      id = challenge slug, label A, B, ... in board order
//	teams         id = contestant username; organizations from their organization
//	submissions   id = the submission's number in the contest
//	judgements    one per submission, same id; a rejudge or override updates it
//	runs          one per test, id "{judgement}-{ordinal}"
//	clarifications  question "{n}", its answer "{n}-r", an announcement "{n}"
//
// Ids that do not fit the specification's ID type (at most 36 characters of
// [A-Za-z0-9_.-]) are replaced by a hash of the name (see ident).
package clics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/audit"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/clarification"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/request"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/statement"
	"github.com/skillarena/arena/server/submission"
)

// Version is the version of the Contest API served.
const Version = "2023-06"

// Prefix is where the API is mounted: its baseurl.
const Prefix = "/clics"

// KeepAlive is how long the event feed stays silent before it sends a
// newline; the specification allows at most 120 seconds.
const KeepAlive = 60 * time.Second

// Deps are the stores the API reads.
type Deps struct {
	Contests       *contest.Store
	Submissions    *submission.Store
	Board          *scoreboard.Store
	Clarifications *clarification.Store
	Events         *events.Log
	Audit          *audit.Log
	Blobs          *blob.Store
	// Packages gives the problems' time limits; without it they are 0.
	Packages *statement.Cache
	Log      *slog.Logger
	Now      func() time.Time
	// KeepAlive overrides the feed's keep-alive interval (tests); Poll is
	// how often a streaming feed looks for new events (default 500 ms).
	KeepAlive, Poll time.Duration
}

// API serves the Contest API.
type API struct {
	Deps
}

// New returns the API on d.
func New(d Deps) *API {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.KeepAlive <= 0 {
		d.KeepAlive = KeepAlive
	}
	if d.Poll <= 0 {
		d.Poll = 500 * time.Millisecond
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &API{Deps: d}
}

// Routes is the API's route table. Every route is public: each handler
// shows the caller the view their role in the contest allows.
func (a *API) Routes() []request.Route {
	get, p := fiber.MethodGet, Prefix+"/contests/:cid"
	pub := request.Public
	return []request.Route{
		{Method: get, Path: Prefix, Access: pub, Summary: "CLICS Contest API: version and provider", Handler: a.info},
		{Method: get, Path: Prefix + "/contests", Access: pub, Summary: "CLICS: every contest", Handler: a.contests},
		{Method: get, Path: p, Access: pub, Summary: "CLICS: one contest", Handler: a.contest},
		{Method: get, Path: p + "/access", Access: pub, Summary: "CLICS: the endpoints and properties the caller sees", Handler: a.access},
		{Method: get, Path: p + "/state", Access: pub, Summary: "CLICS: started, frozen, ended, thawed, finalized", Handler: a.state},
		{Method: get, Path: p + "/scoreboard", Access: pub, Summary: "CLICS: the scoreboard (public: frozen; staff: live)", Handler: a.scoreboard},
		{Method: get, Path: p + "/event-feed", Access: pub, Summary: "CLICS: NDJSON event feed; ?since_token= resumes, ?stream=false stops at the present", Handler: a.feed},
		{Method: get, Path: p + "/submissions/:id/files", Access: pub, Summary: "CLICS: a submission's files as a zip (staff)", Handler: a.submissionFiles},
		{Method: get, Path: p + "/:endpoint", Access: pub, Summary: "CLICS: a collection (judgement-types, languages, problems, groups, organizations, teams, submissions, judgements, runs, clarifications, awards)", Handler: a.collection},
		{Method: get, Path: p + "/:endpoint/:id", Access: pub, Summary: "CLICS: one object of a collection", Handler: a.object},
	}
}

// NotFound answers a path under /clics that names no endpoint.
func NotFound(c *fiber.Ctx) error {
	return request.NotFound("no such Contest API endpoint: " + c.Path())
}

func (a *API) info(c *fiber.Ctx) error {
	return c.JSON(map[string]any{"version": Version, "version_url": "https://ccs-specs.icpc.io/" + Version + "/contest_api",
		"name": "SkillArena"})
}

// view is what one request may see of one contest.
type view struct {
	ct    *contest.Contest
	staff bool
	now   time.Time
}

// load finds the :cid contest (by its CLICS id, see ident) and the
// caller's view of it.
func (a *API) load(c *fiber.Ctx) (view, error) {
	ct, err := request.Contest(c, a.Contests)
	if err != nil && ident(c.Params("cid")) == c.Params("cid") && len(c.Params("cid")) == hashedLen {
		ct, err = a.hashedContest(c)
	}
	if err != nil {
		return view{}, err
	}
	return view{ct: ct, staff: request.OnJury(c, ct), now: a.Now()}, nil
}

// hashedContest finds the contest whose id is too long for a CLICS id by
// the hash that stands for it.
func (a *API) hashedContest(c *fiber.Ctx) (*contest.Contest, error) {
	all, err := a.Contests.List(c.UserContext())
	if err != nil {
		return nil, request.Internal(err)
	}
	for _, ct := range all {
		if ident(ct.ID) == c.Params("cid") {
			return ct, nil
		}
	}
	return nil, request.NotFound("no contest " + c.Params("cid"))
}

func (a *API) contests(c *fiber.Ctx) error {
	all, err := a.Contests.List(c.UserContext())
	if err != nil {
		return request.Internal(err)
	}
	out := make([]Contest, len(all))
	for i, ct := range all {
		out[i] = contestOf(ct)
	}
	return c.JSON(out)
}

func (a *API) contest(c *fiber.Ctx) error {
	v, err := a.load(c)
	if err != nil {
		return err
	}
	return c.JSON(contestOf(v.ct))
}

func (a *API) state(c *fiber.Ctx) error {
	v, err := a.load(c)
	if err != nil {
		return err
	}
	st, err := a.stateOf(c.UserContext(), v)
	if err != nil {
		return request.Internal(err)
	}
	return c.JSON(st)
}

// collection answers /contests/{cid}/{endpoint}, filtered by the query's
// ID properties as the specification asks.
func (a *API) collection(c *fiber.Ctx) error {
	v, err := a.load(c)
	if err != nil {
		return err
	}
	objs, err := a.list(c.UserContext(), v, c.Params("endpoint"))
	if err != nil {
		return err
	}
	out := make([]Object, 0, len(objs))
	for _, o := range objs {
		m, err := fields(o)
		if err != nil {
			return request.Internal(err)
		}
		if matches(m, c) {
			out = append(out, o)
		}
	}
	return c.JSON(out)
}

func (a *API) object(c *fiber.Ctx) error {
	v, err := a.load(c)
	if err != nil {
		return err
	}
	ep, id := c.Params("endpoint"), c.Params("id")
	if ep == "submissions" || ep == "judgements" || ep == "runs" {
		return a.judgedObject(c, v, ep, id)
	}
	objs, err := a.list(c.UserContext(), v, ep)
	if err != nil {
		return err
	}
	for _, o := range objs {
		m, err := fields(o)
		if err != nil {
			return request.Internal(err)
		}
		if m["id"] == id {
			return c.JSON(o)
		}
	}
	return request.NotFound(fmt.Sprintf("no %s %q in contest %s", strings.TrimSuffix(ep, "s"), id, v.ct.ID))
}

// judgedObject answers one submission, judgement or run, reading only its
// submission.
func (a *API) judgedObject(c *fiber.Ctx, v view, ep, id string) error {
	missing := request.NotFound(fmt.Sprintf("no %s %q in contest %s", strings.TrimSuffix(ep, "s"), id, v.ct.ID))
	num, run, _ := strings.Cut(id, "-")
	if n, err := strconv.ParseUint(num, 10, 63); err != nil || strconv.FormatUint(n, 10) != num || (run != "") != (ep == "runs") {
		return missing
	}
	sub, err := a.Submissions.Get(c.UserContext(), v.ct.ID+"-"+num)
	if errors.Is(err, submission.ErrNotFound) {
		return missing
	}
	if err != nil {
		return request.Internal(err)
	}
	hidden, err := a.hider(c.UserContext(), v)
	if err != nil {
		return request.Internal(err)
	}
	s, j, runs := a.mapSubmission(v, sub, hidden(sub))
	switch {
	case ep == "submissions":
		return c.JSON(s)
	case ep == "judgements" && j != nil:
		return c.JSON(j)
	}
	for _, r := range runs {
		if ep == "runs" && r.ID == id {
			return c.JSON(r)
		}
	}
	return missing
}

// list is every object of endpoint ep the view may see.
func (a *API) list(ctx context.Context, v view, ep string) ([]Object, error) {
	var objs []Object
	var err error
	switch ep {
	case "judgement-types":
		objs = judgementTypes()
	case "languages":
		objs = languagesOf(v.ct)
	case "problems":
		objs = a.problemsOf(ctx, v)
	case "groups":
		objs = []Object{}
	case "organizations", "teams":
		var t []Team
		var o []Organization
		t, o, err = a.teams(ctx, v)
		if ep == "teams" {
			objs = asObjects(t)
		} else {
			objs = asObjects(o)
		}
	case "submissions", "judgements", "runs":
		var j judged
		j, err = a.judged(ctx, v)
		switch ep {
		case "submissions":
			objs = asObjects(j.submissions)
		case "judgements":
			objs = asObjects(j.judgements)
		default:
			objs = asObjects(j.runs)
		}
	case "clarifications":
		var cl []Clarification
		cl, err = a.clarifications(ctx, v)
		objs = asObjects(cl)
	case "awards":
		var aw []Award
		aw, err = a.awards(ctx, v)
		objs = asObjects(aw)
	default:
		return nil, request.NotFound("no such Contest API endpoint: " + ep)
	}
	if err != nil {
		return nil, request.Internal(err)
	}
	return objs, nil
}

func asObjects[T any](xs []T) []Object {
	out := make([]Object, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// Object is one object of a collection.
type Object = any

// fields is o's properties as its JSON has them.
func fields(o Object) (map[string]any, error) {
	b, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", o, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("decode %T: %w", o, err)
	}
	return m, nil
}

// matches reports whether an object's fields m pass the query's filters on
// its ID properties ("…_id"; an empty value matches null), as the
// specification asks of every collection.
func matches(m map[string]any, c *fiber.Ctx) bool {
	for k, want := range c.Queries() {
		if !strings.HasSuffix(k, "_id") {
			continue
		}
		got, _ := m[k].(string)
		if got != want {
			return false
		}
	}
	return true
}

// Time formats of the specification: TIME with milliseconds in UTC, and
// RELTIME as h:mm:ss.uuu.
func abstime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

func abstimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := abstime(*t)
	return &s
}

func reltime(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	ms := d.Milliseconds()
	return fmt.Sprintf("%s%d:%02d:%02d.%03d", sign, ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}

var idRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,35}$`)

// ident is name as a CLICS ID: itself where it fits the ID type, else a
// stable hash of it.
func ident(name string) string {
	if idRE.MatchString(name) && !strings.HasSuffix(name, ".") {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	return "h" + hex.EncodeToString(sum[:8])
}

// hashedLen is the length of an id ident made from a hash.
const hashedLen = 17

// subNumber is the CLICS id of a submission: its number in the contest.
func subNumber(sid string) string {
	_, n, _ := submission.SplitID(sid)
	return strconv.FormatInt(n, 10)
}

// label is the problem label of the i-th challenge: A ... Z, AA ...
func label(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// problemID finds the slug of the challenge whose CLICS id is id.
func problemSlug(ct *contest.Contest, id string) (string, bool) {
	i := slices.IndexFunc(ct.Challenges, func(ch contest.Challenge) bool { return ident(ch.Slug) == id })
	if i < 0 {
		return "", false
	}
	return ct.Challenges[i].Slug, true
}
