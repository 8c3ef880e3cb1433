package judge

import (
	"context"
	"fmt"

	"github.com/skillarena/arena/server/contest"
)

// ContestChallenges finds challenges in the contest store.
func ContestChallenges(contests *contest.Store) Challenges { return contestChallenges{contests} }

type contestChallenges struct{ contests *contest.Store }

func (c contestChallenges) Challenge(ctx context.Context, cid, slug string) (Challenge, error) {
	ct, err := c.contests.Get(ctx, cid)
	if err != nil {
		return Challenge{}, err
	}
	ch, ok := ct.Challenge(slug)
	if !ok {
		return Challenge{}, fmt.Errorf("contest %s has no challenge %s", cid, slug)
	}
	return Challenge{Package: ch.Package, Points: ch.Points}, nil
}
