package events

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/skillarena/arena/sandbox/verdict"
)

// The data of the spine has one shape, defined here: the attempts the board
// counts and the data of every event. The packages that write them
// (submission, scoreboard, clarification) all append to this package's
// stream and import it, so the shapes live here rather than with any of
// them; scoreboard and clarification name them through aliases. Go encodes
// them and hands them to the Lua scripts as arguments; a script only adds
// the board rows it recomputes (see docs/architecture.md, "The spine").

// Status is where a submission is in its life.
type Status string

// Statuses.
const (
	Queued  Status = "queued"
	Judging Status = "judging"
	Done    Status = "done"
)

// Attempt is one submission as the board counts it: a value of a
// scoreboard attempts hash, keyed by submission id. The short names are the
// stored ones.
type Attempt struct {
	// N is the submission's number, the tie-break between equal times.
	N      int64   `json:"n"`
	Status Status  `json:"s"`
	Score  float64 `json:"sc"`
	// PublicScore is the score on the public rows (predictions).
	PublicScore *float64 `json:"ps,omitempty"`
	MaxScore    float64  `json:"mx"`
	// Elapsed is the submission time in seconds from the contest start.
	Elapsed int64           `json:"t"`
	Outcome verdict.Outcome `json:"o"`
}

// Contestant is a contestant as the board shows them.
type Contestant struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Organization string `json:"organization"`
}

// Cell is one contestant's standing on one challenge.
type Cell struct {
	Score    float64 `json:"score"`
	Attempts int     `json:"attempts"`
	Pending  int     `json:"pending"`
	// Time is when the best score (points) or the accept (icpc) came, in seconds from the start.
	Time    int64 `json:"time"`
	Solved  bool  `json:"solved"`
	Penalty int64 `json:"penalty,omitempty"`
	// First marks the first solver of the challenge.
	First bool `json:"first,omitempty"`
}

// Row is one contestant's line on the board.
type Row struct {
	Rank       int             `json:"rank"`
	Contestant Contestant      `json:"contestant"`
	Total      float64         `json:"total"`
	Penalty    int64           `json:"penalty"`
	Time       int64           `json:"time"`
	Challenges map[string]Cell `json:"challenges"`
}

// Rows are the board rows a board-changing event carries: the contestant's
// line on the jury's board and on the public one.
type Rows struct {
	Row       *Row `json:"row,omitempty"`
	PublicRow *Row `json:"public_row,omitempty"`
}

// Submission is a submission as its events carry it.
type Submission struct {
	ID         string          `json:"id"`
	Challenge  string          `json:"challenge"`
	Contestant string          `json:"contestant"`
	Status     Status          `json:"status"`
	Outcome    verdict.Outcome `json:"outcome,omitempty"`
	Score      float64         `json:"score"`
	// PublicScore is what the contestant sees until results are final (predictions).
	PublicScore *float64 `json:"public_score,omitempty"`
}

// ForContestant is the submission as its contestant sees it: the public
// score in place of the final one.
func (s Submission) ForContestant() Submission {
	if s.PublicScore != nil {
		s.Score, s.PublicScore = *s.PublicScore, nil
	}
	return s
}

// SubmissionData is the data of submission, judging and verdict events
// (judging events carry no rows). A verdict event also stands for a result
// replaced by an override or an applied rejudge.
type SubmissionData struct {
	Submission Submission `json:"submission"`
	Rows
}

// Reveal is one frozen result revealed on the public board.
type Reveal struct {
	Contestant string `json:"contestant"`
	Challenge  string `json:"challenge"`
}

// RevealData is the data of a reveal event.
type RevealData struct {
	Reveal Reveal `json:"reveal"`
	Rows
}

// Clarification is a question (from a contestant), its answer, or an
// announcement (from the jury, to everyone).
type Clarification struct {
	ID        int64  `json:"id"`
	Contest   string `json:"contest"`
	Challenge string `json:"challenge,omitempty"`
	// From is the asking contestant; empty for announcements.
	From     string `json:"from,omitempty"`
	Question string `json:"question,omitempty"`
	Answer   string `json:"answer,omitempty"`
	// Public: everyone sees it (announcements, and answers sent to all).
	Public     bool       `json:"public"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// VisibleTo reports whether user (a contestant, or the jury) may see c.
func (c Clarification) VisibleTo(user string, jury bool) bool {
	return jury || c.Public || c.From == user
}

// For is what user may see of c, if anything: an answer sent to everyone
// does not name who asked, nor does any answer name the judge, except to
// the jury.
func (c Clarification) For(user string, jury bool) (Clarification, bool) {
	if !c.VisibleTo(user, jury) {
		return Clarification{}, false
	}
	if !jury {
		if c.From != user {
			c.From = ""
		}
		c.AnsweredBy = ""
	}
	return c, true
}

// ClarificationData is the data of a clarification event.
type ClarificationData struct {
	Clarification Clarification `json:"clarification"`
}

// ResetData is the data of a reset event: none; the client reloads.
type ResetData struct{}

// Encode returns v as the JSON a script stores or appends.
func Encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %T: %w", v, err)
	}
	return string(b), nil
}

// Decode reads the data of ev as a T.
func Decode[T any](ev Event) (T, error) {
	var v T
	if err := json.Unmarshal(ev.Data, &v); err != nil {
		return v, fmt.Errorf("decode %s event %s: %w", ev.Type, ev.ID, err)
	}
	return v, nil
}
