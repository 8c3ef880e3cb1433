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

func newFixture(t *testing.T, now time.Time) *fixture { return appOf(t, arenatest.New(t, now)) }

func certFixture(t *testing.T) *fixture { return appOf(t, arenatest.NewCertificates(t)) }

// appOf mounts the pages beside the API, as the server does.
func appOf(t *testing.T, f *arenatest.Fixture) *fixture {
	d := api.Deps{Accounts: f.Accounts, Contests: f.Contests, Submissions: f.Subs, Board: f.Board, Admin: f.Admin,
		Audit: f.Audit, Certificates: f.Certificates, Clarifications: f.Clarifications, Events: f.Events, Hub: f.Hub,
		Blobs: f.Blobs, Judging: f.Judging, Sessions: f.Sessions, Pages: f.Site, Log: f.Log, Now: f.Now}
	d.Limits.MaxSubmissionBytes = arenatest.MaxSubmissionBytes
	return &fixture{f.Serve(t, api.New(d))}
}

func accepted() verdict.Result {
	return verdict.Result{Outcome: verdict.Accepted, Score: 100, MaxScore: 100}
}
