package clics

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skillarena/arena/server/contest"
)

// Access is what the access endpoint answers.
type Access struct {
	Capabilities []string         `json:"capabilities"`
	Endpoints    []AccessEndpoint `json:"endpoints"`
}

// AccessEndpoint is one endpoint and the properties the caller sees.
type AccessEndpoint struct {
	Type       string   `json:"type"`
	Properties []string `json:"properties"`
}

// access lists the endpoints and properties of the caller's view. The API
// is read-only: no capabilities.
func (a *API) access(c *fiber.Ctx) error {
	v, err := a.load(c)
	if err != nil {
		return err
	}
	submission := []string{"id", "language_id", "problem_id", "team_id", "time", "contest_time"}
	if v.staff {
		submission = append(submission, "files")
	}
	problem := []string{"id", "label", "name", "ordinal", "time_limit", "test_data_count"}
	ctProps := []string{"id", "name", "formal_name", "start_time", "duration", "scoreboard_freeze_duration", "scoreboard_type"}
	judgement := []string{"id", "submission_id", "judgement_type_id", "start_time", "start_contest_time", "end_time", "end_contest_time", "max_run_time"}
	if v.ct.Scoring == contest.ScoringICPC {
		ctProps = append(ctProps, "penalty_time")
	} else {
		problem = append(problem, "max_score")
		judgement = append(judgement, "score")
	}
	return c.JSON(Access{Capabilities: []string{}, Endpoints: []AccessEndpoint{
		{"contest", ctProps},
		{"judgement-types", []string{"id", "name", "penalty", "solved"}},
		{"languages", []string{"id", "name", "entry_point_required", "extensions"}},
		{"problems", problem},
		{"groups", []string{"id", "name"}},
		{"organizations", []string{"id", "name", "formal_name"}},
		{"teams", []string{"id", "name", "display_name", "organization_id", "group_ids", "hidden"}},
		{"state", []string{"started", "frozen", "ended", "thawed", "finalized", "end_of_updates"}},
		{"submissions", submission},
		{"judgements", judgement},
		{"runs", []string{"id", "judgement_id", "ordinal", "judgement_type_id", "time", "contest_time", "run_time"}},
		{"clarifications", []string{"id", "from_team_id", "to_team_id", "reply_to_id", "problem_id", "text", "time", "contest_time"}},
		{"awards", []string{"id", "citation", "team_ids"}},
	}})
}
