package web_test

import (
	"testing"
	"time"

	"github.com/skillarena/arena/internal/arenatest"
	"github.com/skillarena/arena/sandbox/verdict"
	"github.com/skillarena/arena/server/api"
)

const testPassword = arenatest.Password

// fixture is the JSON API with these pages, on arenatest's stores.
type fixture struct{ *arenatest.Fixture }

func newFixture(t *testing.T, now time.Time) *fixture {
	return mount(t, arenatest.New(t, now), "org", "jury", "ann", "ben", "outsider")
}

func certFixture(t *testing.T) *fixture {
	return mount(t, arenatest.NewCertificates(t), "org", "ann", "ben")
}

// mount builds the app as the server does and logs users in.
func mount(t *testing.T, f *arenatest.Fixture, users ...string) *fixture {
	t.Helper()
	d := api.Deps{Accounts: f.Accounts, Contests: f.Contests, Submissions: f.Subs, Board: f.Board, Admin: f.Admin,
		Audit: f.Audit, Certificates: f.Certificates, Clarifications: f.Clarifications, Events: f.Events, Hub: f.Hub,
		Blobs: f.Blobs, Judging: f.Judging, Sessions: f.Sessions, Pages: f.Site, Log: f.Log, Now: f.Now}
	d.Limits.MaxSubmissionBytes = arenatest.MaxSubmissionBytes
	f.App = api.New(d)
	for _, u := range users {
		f.Login(t, u)
	}
	return &fixture{f}
}

func accepted() verdict.Result {
	return verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100}
}
