package clarification

import (
	"context"
	"fmt"

	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/refusal"
)

// Members reports whether a user is a contestant of a contest.
type Members interface {
	IsMember(ctx context.Context, cid, user string) (bool, error)
}

// AskIn asks question in contest ct as u, by the contest's rules: about
// one of its challenges or in general, a contestant only in a contest of
// their own and at most the store's questions per hour. A question refused
// for its text does not count.
func (s *Store) AskIn(ctx context.Context, ct *contest.Contest, members Members, u account.User, challenge, question string) (Clarification, error) {
	if challenge != "" {
		if _, ok := ct.Challenge(challenge); !ok {
			return Clarification{}, refusal.New(refusal.Invalid, "refusal.not_in_contest", challenge)
		}
	}
	if u.Role == account.Contestant {
		member, err := members.IsMember(ctx, ct.ID, u.Username)
		if err != nil {
			return Clarification{}, fmt.Errorf("membership of %s: %w", u.Username, err)
		}
		if !member {
			return Clarification{}, refusal.New(refusal.Forbidden, "refusal.not_contestant", ct.ID)
		}
		if _, err := check(question); err != nil {
			return Clarification{}, err
		}
		ok, wait, err := s.asks.Allow(ctx, ct.ID+":"+u.Username)
		if err != nil {
			return Clarification{}, fmt.Errorf("count questions of %s: %w", u.Username, err)
		}
		if !ok {
			return Clarification{}, refusal.New(refusal.Limited, "refusal.questions", s.asks.Max, int(wait.Minutes())+1)
		}
	}
	return s.Ask(ctx, ct.ID, u.Username, challenge, question)
}
