package grader

import (
	"testing"
)

// TestIntegrationPredictionsExampleInSandbox scores every reference
// solution of the predictions example inside sandbox containers (the
// scoring mode of the arena-runner in the image) and wants the same results
// as the same scorer gives in-process.
func TestIntegrationPredictionsExampleInSandbox(t *testing.T) {
	g := dataDockerGrader(t, ScorerImage)
	pkg := loadExample(t, "fault-diagnosis")
	inSandbox := gradeSolutions(t, g, pkg)
	onHost := gradeSolutions(t, &Grader{Sandbox: &dataHostSandbox{}}, pkg)
	for name, want := range onHost {
		got := inSandbox[name]
		if got.Outcome != want.Outcome || got.Score != want.Score || got.Message != want.Message ||
			(got.PublicScore == nil) != (want.PublicScore == nil) || got.PublicScore != nil && *got.PublicScore != *want.PublicScore {
			t.Errorf("%s: sandbox %s %v %q, in-process %s %v %q", name, got.Outcome, got.Score, got.Message, want.Outcome, want.Score, want.Message)
		}
	}
}
