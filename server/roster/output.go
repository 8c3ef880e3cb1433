package roster

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/skillarena/arena/server/privacy"
	"github.com/skillarena/arena/server/sheet"
)

// WritePasswords writes the login slips of an import as CSV (UTF-8 with a
// BOM): username, password, name, organization, team, the masked ID number
// to tell namesakes apart, and the contest.
func WritePasswords(w io.Writer, res *Result) error {
	rows := make([][]string, len(res.Entries))
	for i, e := range res.Entries {
		rows[i] = []string{e.Username, e.Password, e.Name, e.Organization, e.Team, privacy.MaskIDNumber(e.IDNumber), res.Contest}
	}
	return sheet.WriteCSV(w, []string{"username", "password", "name", "organization", "team", "id_number", "contest"}, rows, nil)
}

// exportHeader is the column layout of exports: the columns Import reads, and the role.
var exportHeader = []string{"username", "name", "id_number", "organization", "phone", "email", "team", "role"}

func exportRow(u privacy.User) []string {
	return []string{u.ID, u.Name, u.IDNumber, u.Organization, u.Phone, u.Email, u.Team, string(u.Role)}
}

// WriteUsersCSV writes users as CSV (UTF-8 with a BOM). Spreadsheets turn long digit strings into numbers: prefer XLSX for
// ID numbers that are to be opened in Excel.
func WriteUsersCSV(w io.Writer, users []privacy.User) error {
	rows := make([][]string, len(users))
	for i, u := range users {
		rows[i] = exportRow(u)
	}
	return sheet.WriteCSV(w, exportHeader, rows, nil)
}

// WriteUsersXLSX writes users as an XLSX workbook of text cells, so ID and
// phone numbers stay exactly as they are.
func WriteUsersXLSX(w io.Writer, users []privacy.User) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	row := func(n int, cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = excelize.Cell{Value: c}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, vals)
	}
	if err := row(1, exportHeader); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	for i, u := range users {
		if err := row(i+2, exportRow(u)); err != nil {
			return fmt.Errorf("write XLSX: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write XLSX: %w", err)
	}
	return nil
}
