package roster

import "github.com/skillarena/arena/server/privacy"

// PreviewRow is one row of an import preview, personal data masked.
type PreviewRow struct {
	Line         int    `json:"line"`
	Username     string `json:"username"`
	Name         string `json:"name"`
	Organization string `json:"organization"`
	Team         string `json:"team"`
	IDNumber     string `json:"id_number"`
	Phone        string `json:"phone"`
	Email        string `json:"email"`
}

// Preview is what an import would do: the answer to a dry run, or to a
// file with problems.
type Preview struct {
	Contest  string       `json:"contest,omitempty"`
	OK       bool         `json:"ok"`
	Rows     []PreviewRow `json:"rows"`
	Problems []Problem    `json:"problems"`
}

// PreviewOf is res as a preview, personal data masked.
func PreviewOf(res *Result) Preview {
	p := Preview{Contest: res.Contest, OK: len(res.Problems) == 0, Rows: make([]PreviewRow, len(res.Entries)), Problems: res.Problems}
	if p.Problems == nil {
		p.Problems = []Problem{}
	}
	for i, e := range res.Entries {
		p.Rows[i] = PreviewRow{Line: e.Line, Username: e.Username, Name: e.Name, Organization: e.Organization, Team: e.Team,
			IDNumber: privacy.MaskIDNumber(e.IDNumber), Phone: privacy.MaskPhone(e.Phone), Email: privacy.MaskEmail(e.Email)}
	}
	return p
}
