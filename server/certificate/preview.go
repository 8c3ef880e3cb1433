package certificate

import (
	"context"
	"fmt"
	"strings"

	"github.com/skillarena/arena/server/certificate/rules"
	"github.com/skillarena/arena/server/contest"
)

// Standing is where a contestant stands for awards and certificates.
type Standing struct {
	Status     rules.Status `json:"status"`
	Rank       int          `json:"rank,omitempty"`
	Award      string       `json:"award,omitempty"`
	AwardTitle string       `json:"award_title,omitempty"`
	Level      rules.Level  `json:"level,omitempty"`
	LevelName  string       `json:"level_name,omitempty"`
}

func standingOf(e Entry) Standing {
	return Standing{Status: e.Status, Rank: e.Rank, Award: e.Award, AwardTitle: e.AwardTitle, Level: e.Level, LevelName: e.LevelName}
}

// Change is how one contestant's place, award or level would change.
type Change struct {
	Contestant string `json:"contestant"`
	// Name is the contestant's name, masked.
	Name   string   `json:"name"`
	Before Standing `json:"before"`
	After  Standing `json:"after"`
}

// Preview is what an override would change, before it is applied.
type Preview struct {
	Contest  string          `json:"contest"`
	Override OverrideRequest `json:"override"`
	// Changes list, in the standings' order after the change, everyone
	// whose status, place, award or level would change.
	Changes []Change `json:"changes"`
}

// PreviewOverride says whose place, award or level an override (a status
// change above all: disqualified, unofficial) would change, before it is
// applied; it changes nothing. The reason may be left out until it is applied.
func (s *Service) PreviewOverride(ctx context.Context, cid string, req OverrideRequest, who string) (*Preview, error) {
	ct, o, err := s.buildOverride(ctx, cid, req, who)
	if err != nil {
		return nil, err
	}
	if !s.Final(ct) {
		return nil, ErrNotFinal
	}
	changes, err := s.changes(ctx, ct, o)
	if err != nil {
		return nil, err
	}
	req.Reason = ""
	if req.Status != "" {
		req.Status = string(o.Status) // 取消资格 -> disqualified
	}
	p := &Preview{Contest: cid, Override: req, Changes: changes}
	return p, nil
}

// changes lists whose results override o would change.
func (s *Service) changes(ctx context.Context, ct *contest.Contest, o Override) ([]Change, error) {
	before, err := s.compute(ctx, ct)
	if err != nil {
		return nil, err
	}
	after, err := s.computeWith(ctx, ct, &o)
	if err != nil {
		return nil, err
	}
	was := make(map[string]Standing, len(before.Entries))
	for _, e := range before.Entries {
		was[e.Contestant] = standingOf(e)
	}
	out := []Change{}
	for _, e := range after.Entries {
		now := standingOf(e)
		if old := was[e.Contestant]; old != now {
			out = append(out, Change{Contestant: e.Contestant, Name: MaskName(e.Holder.Name), Before: old, After: now})
		}
	}
	return out, nil
}

// String says the change for the audit log: "ben: rank 2->1, award silver->gold".
func (c Change) String() string {
	var parts []string
	add := func(what string, a, b any) {
		if a != b {
			parts = append(parts, fmt.Sprintf("%s %v->%v", what, a, b))
		}
	}
	add("status", c.Before.Status, c.After.Status)
	add("rank", c.Before.Rank, c.After.Rank)
	add("award", c.Before.Award, c.After.Award)
	add("level", int(c.Before.Level), int(c.After.Level))
	return c.Contestant + ": " + strings.Join(parts, ", ")
}
