package clarification

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/skillarena/arena/internal/testenv"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/refusal"
)

// members is a contest roster: ann and ben are contestants of "run".
type members map[string]bool

func (m members) IsMember(_ context.Context, cid, user string) (bool, error) {
	return cid == "run" && m[user], nil
}

// TestIntegrationAskLimits: a contestant's questions stop at the hourly
// limit, with a refusal that says so; a refused text does not count, the
// limit is per contestant, and the jury is not limited.
func TestIntegrationAskLimits(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testenv.StartRedis(t).Client())
	s.LimitAsks(3)
	ct := &contest.Contest{ID: "run", Challenges: []contest.Challenge{{Slug: "hello"}}}
	roster := members{"ann": true, "ben": true}
	ann := account.User{Username: "ann", Role: account.Contestant}
	ask := func(u account.User, challenge, q string) error {
		_, err := s.AskIn(ctx, ct, roster, u, challenge, q)
		return err
	}
	for _, tc := range []struct {
		name      string
		user      account.User
		challenge string
		question  string
		kind      refusal.Kind // 0: asked
		err       error
	}{
		{name: "empty", user: ann, question: "  ", err: ErrEmpty},
		{name: "too long", user: ann, question: strings.Repeat("问", MaxText+1), err: ErrTooLong},
		{name: "no such challenge", user: ann, challenge: "nope", question: "?", kind: refusal.Invalid},
		{name: "not a contestant of it", user: account.User{Username: "eve", Role: account.Contestant}, question: "?", kind: refusal.Forbidden},
		{name: "first", user: ann, question: "is input sorted?"},
		{name: "second", user: ann, challenge: "hello", question: "may output end with a space?"},
		{name: "third", user: ann, question: "how long is the contest?"},
		{name: "over the limit", user: ann, question: "one more?", kind: refusal.Limited},
		{name: "still over", user: ann, question: "and now?", kind: refusal.Limited},
		{name: "another contestant", user: account.User{Username: "ben", Role: account.Contestant}, question: "hello?"},
		{name: "the jury", user: account.User{Username: "jury", Role: account.Judge}, question: "testing the desk"},
	} {
		err := ask(tc.user, tc.challenge, tc.question)
		switch {
		case tc.err != nil:
			if !errors.Is(err, tc.err) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
			}
		case tc.kind != 0:
			if r, ok := refusal.As(err); !ok || r.Kind != tc.kind {
				t.Errorf("%s: %v, want a refusal of kind %d", tc.name, err, tc.kind)
			} else if tc.kind == refusal.Limited && !strings.Contains(r.Message, "3 questions this hour") {
				t.Errorf("%s: message %q does not name the limit", tc.name, r.Message)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	list, err := s.List(ctx, "run", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 5 {
		t.Errorf("%d clarifications stored, want the 5 asked within the limits", len(list))
	}
}

// TestIntegrationAnswerToAllIsAnonymous: an answer sent to everyone does
// not name the asker or the judge to other contestants; the asker and the
// jury still see both.
func TestIntegrationAnswerToAllIsAnonymous(t *testing.T) {
	ctx := context.Background()
	s := NewStore(testenv.StartRedis(t).Client())
	q, err := s.Ask(ctx, "run", "ann", "", "is the input sorted?")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Answer(ctx, "run", q.ID, "jury", "yes, ascending", true); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		user           string
		jury           bool
		from, answerer string
	}{
		{"ben", false, "", ""},
		{"ann", false, "ann", ""},
		{"jury", true, "ann", "jury"},
	} {
		list, err := s.List(ctx, "run", tc.user, tc.jury)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Answer != "yes, ascending" || list[0].From != tc.from || list[0].AnsweredBy != tc.answerer {
			t.Errorf("%s sees %+v, want from %q answered by %q", tc.user, list, tc.from, tc.answerer)
		}
	}
}
