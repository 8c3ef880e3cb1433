package roster

import (
	"io"

	"github.com/skillarena/arena/server/document"
	"github.com/skillarena/arena/server/privacy"
)

// WritePasswords writes the login slips of an import as CSV (UTF-8 with a
// BOM): username, password, name, organization, team, the masked ID number
// to tell namesakes apart, and the contest.
func WritePasswords(w io.Writer, res *Result) error {
	rows := make([][]string, len(res.Entries))
	for i, e := range res.Entries {
		rows[i] = []string{e.Username, e.Password, e.Name, e.Organization, e.Team, privacy.MaskIDNumber(e.IDNumber), res.Contest}
	}
	return document.WriteCSV(w, []string{"username", "password", "name", "organization", "team", "id_number", "contest"}, rows, nil)
}

// exportHeader is the column layout of exports: the columns Import reads, and the role.
var exportHeader = []string{"username", "name", "id_number", "organization", "phone", "email", "team", "role"}

// exportRows are users in the columns of exportHeader.
func exportRows(users []privacy.User) [][]string {
	rows := make([][]string, len(users))
	for i, u := range users {
		rows[i] = []string{u.ID, u.Name, u.IDNumber, u.Organization, u.Phone, u.Email, u.Team, string(u.Role)}
	}
	return rows
}

// WriteUsersCSV writes users as CSV (UTF-8 with a BOM). Spreadsheets turn long digit strings into numbers: prefer XLSX for
// ID numbers that are to be opened in Excel.
func WriteUsersCSV(w io.Writer, users []privacy.User) error {
	return document.WriteCSV(w, exportHeader, exportRows(users), nil)
}

// WriteUsersXLSX writes users as an XLSX workbook of text cells, so ID and
// phone numbers stay exactly as they are.
func WriteUsersXLSX(w io.Writer, users []privacy.User) error {
	return document.WriteTextXLSX(w, exportHeader, exportRows(users))
}
