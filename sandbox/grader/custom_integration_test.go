package grader

import (
	"context"
	"testing"

	"github.com/skillarena/arena/sandbox/verdict"
)

// TestIntegrationCustomInSandbox runs a custom package's own command in its
// image for every kind of result it may print, and past its time limit.
func TestIntegrationCustomInSandbox(t *testing.T) {
	pkg := customPackage(t)
	g := dataDockerGrader(t, pkg.Spec.Custom.Image)
	cases := append(customCases[:len(customCases):len(customCases)],
		struct {
			name, src string
			outcome   verdict.Outcome
			score     float64
			msg       string
		}{"endless", "loop", verdict.TimeLimit, 0, "time_limit"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := g.Grade(context.Background(), pkg, "text", []byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			checkCustomCase(t, res, tc.outcome, tc.score, tc.msg)
		})
	}
}
