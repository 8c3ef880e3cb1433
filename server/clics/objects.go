package clics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/events"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// The objects of the specification, with its property names. A property
// that is null is left out where the specification allows it.
type (
	// Contest is a contest object.
	Contest struct {
		ID                       string  `json:"id"`
		Name                     string  `json:"name"`
		FormalName               string  `json:"formal_name"`
		StartTime                *string `json:"start_time"`
		Duration                 string  `json:"duration"`
		ScoreboardFreezeDuration *string `json:"scoreboard_freeze_duration,omitempty"`
		ScoreboardType           string  `json:"scoreboard_type"`
		PenaltyTime              *int64  `json:"penalty_time,omitempty"`
	}
	// State is the contest's state.
	State struct {
		Started      *string `json:"started"`
		Frozen       *string `json:"frozen"`
		Ended        *string `json:"ended"`
		Thawed       *string `json:"thawed"`
		Finalized    *string `json:"finalized"`
		EndOfUpdates *string `json:"end_of_updates"`
	}
	// JudgementType is a possible verdict.
	JudgementType struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Penalty bool   `json:"penalty"`
		Solved  bool   `json:"solved"`
	}
	// Language is a language submissions may be in.
	Language struct {
		ID                 string   `json:"id"`
		Name               string   `json:"name"`
		EntryPointRequired bool     `json:"entry_point_required"`
		Extensions         []string `json:"extensions"`
	}
	// Problem is a challenge.
	Problem struct {
		ID            string   `json:"id"`
		Label         string   `json:"label"`
		Name          string   `json:"name"`
		Ordinal       int      `json:"ordinal"`
		TimeLimit     float64  `json:"time_limit"`
		TestDataCount int      `json:"test_data_count"`
		MaxScore      *float64 `json:"max_score,omitempty"`
	}
	// Organization is a contestant's organization.
	Organization struct {
		ID         string `json:"id"`
		Name       string `json:"name"`
		FormalName string `json:"formal_name"`
	}
	// Team is a contestant.
	Team struct {
		ID             string   `json:"id"`
		Name           string   `json:"name"`
		DisplayName    string   `json:"display_name"`
		OrganizationID *string  `json:"organization_id,omitempty"`
		GroupIDs       []string `json:"group_ids"`
		Hidden         bool     `json:"hidden"`
	}
	// File is a file reference.
	File struct {
		Href     string `json:"href"`
		Filename string `json:"filename"`
		Mime     string `json:"mime"`
	}
	// Submission is a submission; Files only for staff.
	Submission struct {
		ID          string `json:"id"`
		LanguageID  string `json:"language_id"`
		ProblemID   string `json:"problem_id"`
		TeamID      string `json:"team_id"`
		Time        string `json:"time"`
		ContestTime string `json:"contest_time"`
		Files       []File `json:"files,omitempty"`
	}
	// Judgement is the judging of a submission.
	Judgement struct {
		ID               string   `json:"id"`
		SubmissionID     string   `json:"submission_id"`
		JudgementTypeID  *string  `json:"judgement_type_id"`
		Score            *float64 `json:"score,omitempty"`
		StartTime        string   `json:"start_time"`
		StartContestTime string   `json:"start_contest_time"`
		EndTime          *string  `json:"end_time"`
		EndContestTime   *string  `json:"end_contest_time"`
		MaxRunTime       *float64 `json:"max_run_time,omitempty"`
	}
	// Run is one test of a judgement.
	Run struct {
		ID              string  `json:"id"`
		JudgementID     string  `json:"judgement_id"`
		Ordinal         int     `json:"ordinal"`
		JudgementTypeID string  `json:"judgement_type_id"`
		Time            string  `json:"time"`
		ContestTime     string  `json:"contest_time"`
		RunTime         float64 `json:"run_time"`
	}
	// Clarification is a question, an answer or an announcement.
	Clarification struct {
		ID          string  `json:"id"`
		FromTeamID  *string `json:"from_team_id"`
		ToTeamID    *string `json:"to_team_id"`
		ReplyToID   *string `json:"reply_to_id"`
		ProblemID   *string `json:"problem_id"`
		Text        string  `json:"text"`
		Time        string  `json:"time"`
		ContestTime string  `json:"contest_time"`
	}
	// Award is an award and who holds it now.
	Award struct {
		ID       string   `json:"id"`
		Citation string   `json:"citation"`
		TeamIDs  []string `json:"team_ids"`
	}
	// Scoreboard is the board.
	Scoreboard struct {
		Time        string `json:"time"`
		ContestTime string `json:"contest_time"`
		State       State  `json:"state"`
		Rows        []Row  `json:"rows"`
	}
	// Row is one team's line on the board.
	Row struct {
		Rank     int           `json:"rank"`
		TeamID   string        `json:"team_id"`
		Score    RowScore      `json:"score"`
		Problems []ProblemData `json:"problems"`
	}
	// RowScore is num_solved and total_time (pass-fail) or score (score);
	// time is the last improvement, in minutes.
	RowScore struct {
		NumSolved *int     `json:"num_solved,omitempty"`
		TotalTime *int64   `json:"total_time,omitempty"`
		Score     *float64 `json:"score,omitempty"`
		Time      *int64   `json:"time,omitempty"`
	}
	// ProblemData is one cell of the board.
	ProblemData struct {
		ProblemID  string   `json:"problem_id"`
		NumJudged  int      `json:"num_judged"`
		NumPending int      `json:"num_pending"`
		Solved     *bool    `json:"solved,omitempty"`
		Score      *float64 `json:"score,omitempty"`
		Time       *int64   `json:"time,omitempty"`
	}
)

func ptr[T any](v T) *T { return &v }

func title(ct *contest.Contest) (name, formal string) {
	name, formal = cmp.Or(ct.Title.En, ct.Title.Zh), cmp.Or(ct.Title.Zh, ct.Title.En)
	return name, formal
}

// contestOf maps a contest: icpc scoring is a pass-fail scoreboard with
// its penalty, points scoring a score scoreboard.
func contestOf(ct *contest.Contest) Contest {
	name, formal := title(ct)
	out := Contest{ID: ident(ct.ID), Name: name, FormalName: formal, StartTime: ptr(abstime(ct.Start)),
		Duration: reltime(ct.End.Sub(ct.Start)), ScoreboardType: "score"}
	if ct.Scoring == contest.ScoringICPC {
		out.ScoreboardType, out.PenaltyTime = "pass-fail", ptr(ct.PenaltyMinutes)
	}
	if ct.Freeze != nil {
		out.ScoreboardFreezeDuration = ptr(reltime(ct.End.Sub(*ct.Freeze)))
	}
	return out
}

// stateOf is the contest's state at v.now. The board is thawed when the
// organizers unfroze it or finished the step-by-step reveal; the results
// are final once the contest has ended with nothing left to judge.
func (a *API) stateOf(ctx context.Context, v view) (State, error) {
	ct, now := v.ct, v.now
	var st State
	if now.Before(ct.Start) {
		return st, nil
	}
	st.Started = ptr(abstime(ct.Start))
	if ct.Freeze != nil && !now.Before(*ct.Freeze) {
		st.Frozen = ptr(abstime(*ct.Freeze))
	}
	if now.Before(ct.End) {
		return st, nil
	}
	st.Ended = ptr(abstime(ct.End))
	var thawed *time.Time
	if ct.Freeze != nil && ct.Unfrozen && !ct.Revealing && a.Audit != nil {
		t, err := a.thawedAt(ctx, ct)
		if err != nil {
			return st, err
		}
		thawed, st.Thawed = &t, ptr(abstime(t))
	}
	board, err := a.Board.Read(ctx, ct.ID, scoreboard.Jury)
	if err != nil {
		return st, err
	}
	for _, r := range board.Rows {
		for _, c := range r.Challenges {
			if c.Pending > 0 {
				return st, nil
			}
		}
	}
	st.Finalized = st.Ended
	if ct.Freeze == nil {
		st.EndOfUpdates = st.Ended
	} else if thawed != nil {
		st.EndOfUpdates = st.Thawed
	}
	return st, nil
}

// thawedAt is when the organizers unfroze ct's board, from its audit log
// (the contest's end if the log no longer says).
func (a *API) thawedAt(ctx context.Context, ct *contest.Contest) (time.Time, error) {
	entries, err := a.Audit.List(ctx, ct.ID, 1000)
	if err != nil {
		return time.Time{}, err
	}
	for _, e := range entries {
		if e.Action == "contest.unfreeze" || e.Action == "contest.reveal.done" {
			if e.At.Before(ct.End) {
				return ct.End, nil
			}
			return e.At, nil
		}
	}
	return ct.End, nil
}

// judgementTypes are SkillArena's outcomes as judgement types. Only
// rejections that count in icpc scoring carry a penalty.
func judgementTypes() []Object {
	return asObjects([]JudgementType{
		{"AC", "Accepted", false, true},
		{"WA", "Wrong Answer", true, false},
		{"TLE", "Time Limit Exceeded", true, false},
		{"MLE", "Memory Limit Exceeded", true, false},
		{"RTE", "Run-Time Error", true, false},
		{"OLE", "Output Limit Exceeded", true, false},
		{"CE", "Compile Error", false, false},
		{"SE", "Submission Error", false, false},
		{"JE", "Judging Error", false, false},
	})
}

// typeOf is the judgement type of an outcome; a partial score (scored) is
// AC at the full score, WA below it.
func typeOf(o verdict.Outcome, score, maxScore float64) string {
	switch o {
	case verdict.Accepted:
		return "AC"
	case verdict.Scored:
		if maxScore > 0 && score >= maxScore {
			return "AC"
		}
		return "WA"
	case verdict.TimeLimit:
		return "TLE"
	case verdict.MemoryLimit:
		return "MLE"
	case verdict.RuntimeError:
		return "RTE"
	case verdict.OutputLimit:
		return "OLE"
	case verdict.CompileError:
		return "CE"
	case verdict.InvalidSubmission:
		return "SE"
	case verdict.SystemError:
		return "JE"
	default:
		return "WA"
	}
}

// knownLanguages are the specification's names and extensions of the
// languages SkillArena's packages name.
var knownLanguages = map[string]Language{
	"python3":    {Name: "Python 3", Extensions: []string{"py"}},
	"cpp":        {Name: "C++", Extensions: []string{"cc", "cpp", "cxx", "c++"}},
	"cpp17":      {Name: "C++17", Extensions: []string{"cc", "cpp", "cxx", "c++"}},
	"c":          {Name: "C", Extensions: []string{"c"}},
	"go":         {Name: "Go", Extensions: []string{"go"}},
	"java":       {Name: "Java", Extensions: []string{"java"}},
	"javascript": {Name: "JavaScript", Extensions: []string{"js"}},
	"node":       {Name: "JavaScript (Node.js)", Extensions: []string{"js"}},
	"rust":       {Name: "Rust", Extensions: []string{"rs"}},
	"sql":        {Name: "SQL", Extensions: []string{"sql"}},
	"solidity":   {Name: "Solidity", Extensions: []string{"sol"}},
	"csv":        {Name: "CSV predictions", Extensions: []string{"csv"}},
}

// languagesOf lists the languages any of ct's challenges accepts.
func languagesOf(ct *contest.Contest) []Object {
	var ids []string
	for _, ch := range ct.Challenges {
		for _, l := range ch.Languages {
			if len(ct.Languages) == 0 || slices.Contains(ct.Languages, l) {
				ids = append(ids, l)
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]Language, len(ids))
	for i, id := range ids {
		l, ok := knownLanguages[id]
		if !ok {
			l = Language{Name: id, Extensions: []string{}}
		}
		l.ID = ident(id)
		out[i] = l
	}
	return asObjects(out)
}

// problemsOf lists ct's challenges in board order; the public sees them
// once the contest has started.
func (a *API) problemsOf(ctx context.Context, v view) []Object {
	if !v.staff && v.now.Before(v.ct.Start) {
		return []Object{}
	}
	out := make([]Problem, len(v.ct.Challenges))
	for i, ch := range v.ct.Challenges {
		p := Problem{ID: ident(ch.Slug), Label: label(i), Name: cmp.Or(ch.Title.En, ch.Title.Zh, ch.Slug), Ordinal: i + 1}
		if v.ct.Scoring != contest.ScoringICPC {
			p.MaxScore = ptr(ch.Points)
		}
		if a.Packages != nil {
			if pkg, err := a.Packages.Get(ctx, ch.Package); err == nil {
				p.TimeLimit = float64(pkg.Limits.TimeMS) / 1000
			}
		}
		out[i] = p
	}
	return asObjects(out)
}

// teams lists the contestants on ct's board as teams, and their
// organizations.
func (a *API) teams(ctx context.Context, v view) ([]Team, []Organization, error) {
	board, err := a.Board.Read(ctx, v.ct.ID, scoreboard.Jury)
	if err != nil {
		return nil, nil, err
	}
	teams := make([]Team, 0, len(board.Rows))
	orgs := map[string]Organization{}
	for _, r := range board.Rows {
		t := Team{ID: ident(r.Contestant.ID), Name: cmp.Or(r.Contestant.Name, r.Contestant.ID), GroupIDs: []string{}}
		t.DisplayName = t.Name
		if o := strings.TrimSpace(r.Contestant.Organization); o != "" {
			id := ident("org-" + o)
			orgs[id] = Organization{ID: id, Name: o, FormalName: o}
			t.OrganizationID = &id
		}
		teams = append(teams, t)
	}
	slices.SortFunc(teams, func(x, y Team) int { return strings.Compare(x.ID, y.ID) })
	out := make([]Organization, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, o)
	}
	slices.SortFunc(out, func(x, y Organization) int { return strings.Compare(x.ID, y.ID) })
	return teams, out, nil
}

// judged is a contest's submissions, judgements and runs as a view sees them.
type judged struct {
	submissions []Submission
	judgements  []Judgement
	runs        []Run
}

// maxSubmissions bounds how many of a contest's submissions the API reads.
const maxSubmissions = 1 << 20

// judged reads every submission of the contest, oldest first.
func (a *API) judged(ctx context.Context, v view) (judged, error) {
	subs, err := a.Submissions.List(ctx, v.ct.ID, submission.Filter{}, maxSubmissions, maxSubmissions)
	if err != nil {
		return judged{}, err
	}
	slices.Reverse(subs)
	hidden, err := a.hider(ctx, v)
	if err != nil {
		return judged{}, err
	}
	var out judged
	for _, sub := range subs {
		s, j, runs := a.mapSubmission(v, sub, hidden(sub))
		out.submissions = append(out.submissions, s)
		if j != nil {
			out.judgements = append(out.judgements, *j)
		}
		out.runs = append(out.runs, runs...)
	}
	if out.submissions == nil {
		out.submissions = []Submission{}
	}
	if out.judgements == nil {
		out.judgements = []Judgement{}
	}
	if out.runs == nil {
		out.runs = []Run{}
	}
	return out, nil
}

// hider returns whether a submission's result is hidden from v: for the
// public, results of submissions made after the freeze until the board
// reveals them (all at once, or cell by cell).
func (a *API) hider(ctx context.Context, v view) (func(submission.Submission) bool, error) {
	p := v.ct.BoardParams()
	if v.staff || p.Freeze < 0 || p.Unfrozen {
		return func(submission.Submission) bool { return false }, nil
	}
	revealed, err := a.Board.Revealed(ctx, v.ct.ID)
	if err != nil {
		return nil, err
	}
	return func(s submission.Submission) bool {
		return s.Elapsed >= p.Freeze && !revealed[s.Contestant+"/"+s.Challenge]
	}, nil
}

// mapSubmission maps one submission, its judgement (none while queued) and
// its runs (none while hidden).
func (a *API) mapSubmission(v view, sub submission.Submission, hidden bool) (Submission, *Judgement, []Run) {
	ct := v.ct
	id := subNumber(sub.ID)
	s := Submission{ID: id, LanguageID: ident(sub.Language), ProblemID: ident(sub.Challenge), TeamID: ident(sub.Contestant),
		Time: abstime(sub.SubmittedAt), ContestTime: reltime(sub.SubmittedAt.Sub(ct.Start))}
	if v.staff {
		s.Files = []File{{Href: "contests/" + ident(ct.ID) + "/submissions/" + id + "/files", Filename: "files.zip", Mime: "application/zip"}}
	}
	if sub.Status == submission.Queued {
		return s, nil, nil
	}
	j := &Judgement{ID: id, SubmissionID: id, StartTime: s.Time, StartContestTime: s.ContestTime}
	if sub.Status != submission.Done || sub.JudgedAt == nil || hidden {
		return s, j, nil
	}
	end, endRel := abstime(*sub.JudgedAt), reltime(sub.JudgedAt.Sub(ct.Start))
	score := sub.Score
	if sub.PublicScore != nil && !v.staff && !ct.Unfrozen {
		score = *sub.PublicScore
	}
	j.JudgementTypeID = ptr(typeOf(verdict.Outcome(sub.Outcome), score, sub.MaxScore))
	j.EndTime, j.EndContestTime = &end, &endRel
	if ct.Scoring != contest.ScoringICPC {
		j.Score = &score
	}
	var runs []Run
	var maxRun float64
	for i, t := range sub.Tests {
		if t.Outcome == verdict.Skipped {
			continue
		}
		rt := float64(t.CPUTimeMS) / 1000
		maxRun = max(maxRun, rt)
		runs = append(runs, Run{ID: fmt.Sprintf("%s-%d", id, i+1), JudgementID: id, Ordinal: i + 1,
			JudgementTypeID: typeOf(t.Outcome, t.Score, t.MaxScore), Time: end, ContestTime: endRel, RunTime: rt})
	}
	if len(runs) > 0 {
		j.MaxRunTime = &maxRun
	}
	return s, j, runs
}

// clarifications maps the clarifications v may see: for the staff every
// question "{n}" and its answer "{n}-r"; for the public the announcements
// and the answers sent to everyone, each with its question.
func (a *API) clarifications(ctx context.Context, v view) ([]Clarification, error) {
	list, err := a.Clarifications.List(ctx, v.ct.ID, "", v.staff)
	if err != nil {
		return nil, err
	}
	slices.Reverse(list)
	out := []Clarification{}
	for _, c := range list {
		out = append(out, clarificationsOf(v, c)...)
	}
	return out, nil
}

func clarificationsOf(v view, c events.Clarification) []Clarification {
	ct := v.ct
	n := fmt.Sprint(c.ID)
	msg := func(id, text string, at time.Time) Clarification {
		m := Clarification{ID: id, Text: text, Time: abstime(at), ContestTime: reltime(at.Sub(ct.Start))}
		// The public sees no problems before the start.
		if c.Challenge != "" && (v.staff || !v.now.Before(ct.Start)) {
			m.ProblemID = ptr(ident(c.Challenge))
		}
		return m
	}
	if c.Question == "" { // an announcement
		return []Clarification{msg(n, c.Answer, c.CreatedAt)}
	}
	var out []Clarification
	if v.staff {
		q := msg(n, c.Question, c.CreatedAt)
		q.FromTeamID = ptr(ident(c.From))
		out = append(out, q)
	}
	if c.AnsweredAt == nil || !v.staff && !c.Public {
		return out
	}
	r := msg(n+"-r", c.Answer, *c.AnsweredAt)
	if v.staff {
		r.ReplyToID = &n
		if !c.Public {
			r.ToTeamID = ptr(ident(c.From))
		}
	} else {
		r.Text = c.Question + "\n\n" + c.Answer
	}
	return append(out, r)
}

// awards are the current winners (rank 1, once they have scored) and the
// first to solve each problem, on the board v sees.
func (a *API) awards(ctx context.Context, v view) ([]Award, error) {
	board, err := a.Board.Read(ctx, v.ct.ID, boardView(v))
	if err != nil {
		return nil, err
	}
	winner := Award{ID: "winner", Citation: "Winner", TeamIDs: []string{}}
	first := make([]Award, len(v.ct.Challenges))
	for i, ch := range v.ct.Challenges {
		first[i] = Award{ID: ident("first-to-solve-" + ident(ch.Slug)), Citation: "First to solve problem " + label(i), TeamIDs: []string{}}
	}
	for _, r := range board.Rows {
		if r.Rank == 1 && r.Total > 0 {
			winner.TeamIDs = append(winner.TeamIDs, ident(r.Contestant.ID))
		}
		for i, ch := range v.ct.Challenges {
			if r.Challenges[ch.Slug].First {
				first[i].TeamIDs = append(first[i].TeamIDs, ident(r.Contestant.ID))
			}
		}
	}
	if !v.staff && v.now.Before(v.ct.Start) {
		return []Award{winner}, nil
	}
	return append([]Award{winner}, first...), nil
}

func boardView(v view) scoreboard.View {
	if v.staff {
		return scoreboard.Jury
	}
	return scoreboard.Public
}

// scoreboardOf maps the board v sees.
func (a *API) scoreboardOf(ctx context.Context, v view) (Scoreboard, error) {
	board, err := a.Board.Read(ctx, v.ct.ID, boardView(v))
	if err != nil {
		return Scoreboard{}, err
	}
	st, err := a.stateOf(ctx, v)
	if err != nil {
		return Scoreboard{}, err
	}
	at := v.now
	if id, err := events.ParseID(board.EventID); err == nil && id.MS > 0 {
		at = time.UnixMilli(int64(id.MS))
	}
	out := Scoreboard{Time: abstime(at), ContestTime: reltime(at.Sub(v.ct.Start)), State: st, Rows: make([]Row, 0, len(board.Rows))}
	icpc := v.ct.Scoring == contest.ScoringICPC
	for _, r := range board.Rows {
		row := Row{Rank: r.Rank, TeamID: ident(r.Contestant.ID), Problems: make([]ProblemData, 0, len(v.ct.Challenges))}
		solved := 0
		for _, ch := range v.ct.Challenges {
			c := r.Challenges[ch.Slug]
			pd := ProblemData{ProblemID: ident(ch.Slug), NumJudged: c.Attempts - c.Pending, NumPending: c.Pending}
			if icpc {
				pd.Solved = ptr(c.Solved)
			} else {
				pd.Score = ptr(c.Score)
			}
			if c.Solved || c.Score > 0 {
				pd.Time = ptr(c.Time / 60)
			}
			if c.Solved {
				solved++
			}
			row.Problems = append(row.Problems, pd)
		}
		if icpc {
			row.Score = RowScore{NumSolved: &solved, TotalTime: ptr(r.Penalty)}
		} else {
			row.Score = RowScore{Score: ptr(r.Total)}
		}
		if r.Total > 0 {
			row.Score.Time = ptr(r.Time / 60)
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}
