// Package privacy masks personal data. A contestant's display name,
// organization and team are public; the ID number, phone and email are shown
// masked everywhere except in organizer exports, which use Full.
package privacy

import (
	"strings"

	"github.com/skillarena/arena/server/account"
)

// MaskIDNumber keeps the first 6 (the region) and the last 4 characters of an
// ID number: 110105********1234. Short values keep less.
func MaskIDNumber(s string) string { return keepEnds(s, 6, 4) }

// MaskPhone keeps the first 3 and the last 4 digits: 138****5678.
func MaskPhone(s string) string { return keepEnds(s, 3, 4) }

// MaskEmail keeps the first character of the local part and the domain:
// a***@example.com.
func MaskEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return keepEnds(s, 1, 0)
	}
	local := []rune(s[:at])
	if len(local) == 0 {
		return "***" + s[at:]
	}
	return string(local[0]) + "***" + s[at:]
}

// keepEnds shows the first head and last tail characters and masks the rest.
// A value too short to hide at least 4 characters that way keeps only its
// last n/4 characters (at most tail).
func keepEnds(s string, head, tail int) string {
	r := []rune(s)
	n := len(r)
	if n < head+tail+4 {
		head, tail = 0, min(tail, n/4)
	}
	return string(r[:head]) + strings.Repeat("*", n-head-tail) + string(r[n-tail:])
}

// User is an account as the API shows it: personal fields masked unless the
// view comes from Full.
type User struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"`
	Organization string       `json:"organization"`
	Team         string       `json:"team"`
	Role         account.Role `json:"role"`
	IDNumber     string       `json:"id_number"`
	Phone        string       `json:"phone"`
	Email        string       `json:"email"`
}

// Masked is the view of u for everyone, the user included.
func Masked(u account.User) User {
	v := Full(u)
	v.IDNumber, v.Phone, v.Email = MaskIDNumber(u.IDNumber), MaskPhone(u.Phone), MaskEmail(u.Email)
	return v
}

// Full is the unmasked view of u, for organizer exports only.
func Full(u account.User) User {
	return User{ID: u.Username, Name: u.Name, Organization: u.Organization, Team: u.Team, Role: u.Role,
		IDNumber: u.IDNumber, Phone: u.Phone, Email: u.Email}
}
