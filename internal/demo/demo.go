// Package demo loads the demo: a contest running from now for hours, with
// the warm-up challenge and one account for each role, and a finished one
// with certificate rules and results, ready for the certificate review
// (final.go).
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/skillarena/arena/challenges"
	"github.com/skillarena/arena/server/account"
	"github.com/skillarena/arena/server/blob"
	"github.com/skillarena/arena/server/certificate"
	"github.com/skillarena/arena/server/contest"
	"github.com/skillarena/arena/server/scoreboard"
	"github.com/skillarena/arena/server/submission"
)

// ContestID is the demo contest's id.
const ContestID = "demo"

// Users are the demo accounts.
var Users = []account.User{
	{Username: "admin", Name: "Admin", Role: account.Admin},
	{Username: "organizer", Name: "Organizer", Role: account.Organizer},
	{Username: "judge", Name: "Judge", Role: account.Judge},
	{Username: "alice", Name: "Alice", Organization: "Shenzhen Polytechnic", Role: account.Contestant,
		IDNumber: "330106199507160427", Gender: "female", Category: "worker", Level: 3, Promoted: "2022-06-30"},
	{Username: "bob", Name: "Bob", Organization: "Hangzhou Vocational College", Role: account.Contestant,
		IDNumber: "320102200402090512", Gender: "male", Category: "student"},
	{Username: "carol", Name: "Carol", Organization: "Chengdu Data Academy", Role: account.Contestant,
		IDNumber: "510107199308240440", Gender: "female", Category: "worker"},
}

// Challenges are the example packages the demo contest holds.
var Challenges = []string{"hello", "fault-diagnosis", "sales-indicators", "reentrancy-drain", "skill-token", "fault-training", "order-cleaning"}

// Deps are the stores and services the demo writes through.
type Deps struct {
	Accounts     *account.Store
	Admin        *contest.Admin
	Blobs        *blob.Store
	Submissions  *submission.Store
	Certificates *certificate.Service
}

// Load loads the running demo contest (LoadRunning) and the finished one
// (LoadFinal) with their accounts, all with password.
func Load(ctx context.Context, d Deps, password string, now time.Time) error {
	if _, err := LoadRunning(ctx, d, password, now); err != nil {
		return err
	}
	if _, err := LoadFinal(ctx, d, password, now); err != nil {
		return fmt.Errorf("demo contest %s: %w", FinalID, err)
	}
	return nil
}

// LoadRunning creates (or refreshes) the demo accounts and contest, starting a few
// minutes before now and lasting six hours. Submissions made before are kept.
func LoadRunning(ctx context.Context, d Deps, password string, now time.Time) (*contest.Contest, error) {
	for _, u := range Users {
		if err := d.Accounts.Put(ctx, u, password); err != nil {
			return nil, fmt.Errorf("demo account: %w", err)
		}
	}
	ct := &contest.Contest{
		ID:                  ContestID,
		Title:               challenges.Text{Zh: "SkillArena 演示赛", En: "SkillArena demo contest"},
		Start:               now.Add(-5 * time.Minute).Truncate(time.Minute).UTC(),
		End:                 now.Add(6 * time.Hour).Truncate(time.Minute).UTC(),
		AttemptsAfterAccept: true,
		Staff:               contest.Staff{Organizers: []string{"organizer"}, Judges: []string{"judge"}},
	}
	freeze := ct.End.Add(-time.Hour) // the last hour is frozen, as at a real final
	ct.Freeze = &freeze
	if old, err := d.Admin.Contests.Get(ctx, ContestID); err == nil && old.StateAt(now) == contest.Running {
		// Keep the start, so times already on the board stay right.
		ct.Start = old.Start
	}
	for _, slug := range Challenges {
		fsys, err := challenges.Example(slug)
		if err != nil {
			return nil, fmt.Errorf("example %s: %w", slug, err)
		}
		ch, err := contest.FromPackage(ctx, d.Blobs, fsys)
		if err != nil {
			return nil, fmt.Errorf("example %s: %w", slug, err)
		}
		ct.Challenges = append(ct.Challenges, ch)
	}
	if err := d.Admin.Save(ctx, ct, "demo", "contest.load", "demo contest"); err != nil {
		return nil, err
	}
	var who []scoreboard.Contestant
	for _, u := range Users {
		if u.Role == account.Contestant {
			who = append(who, scoreboard.Contestant{ID: u.Username, Name: u.Name, Organization: u.Organization})
		}
	}
	if err := d.Admin.Enroll(ctx, ct.ID, who...); err != nil {
		return nil, err
	}
	return ct, nil
}
