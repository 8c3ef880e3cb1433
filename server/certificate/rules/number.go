package rules

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// A number pattern is literal text (letters, digits, '-', '_') with
// placeholders:
//
//	{contest}   the contest id
//	{year}      the year of issue, 2025; {yy}: 25
//	{date}      the date of issue, 20250601
//	{level}     the certificate's level as a digit (0: an award without a level)
//	{code}      the occupation code's digits, 4040506
//	{seq:N}     the certificate's sequence number in the contest, N digits (required)
//
// e.g. "{contest}-{year}-{seq:4}" gives bc-2025-2025-0001.

var placeholderRE = regexp.MustCompile(`\{[^{}]*\}`)
var literalRE = regexp.MustCompile(`^[A-Za-z0-9_-]*$`)

// NumberFields are what a number pattern's placeholders stand for.
type NumberFields struct {
	Contest string
	Issued  time.Time
	Level   Level
	Code    string
	Seq     int
}

// CheckPattern reports what is wrong with a number pattern.
func CheckPattern(p string) error {
	seqs := 0
	for _, m := range placeholderRE.FindAllString(p, -1) {
		name, arg, hasArg := strings.Cut(m[1:len(m)-1], ":")
		switch name {
		case "contest", "year", "yy", "date", "level", "code":
			if hasArg {
				return says("rules.number_no_width", m)
			}
		case "seq":
			seqs++
			if hasArg {
				n, err := strconv.Atoi(arg)
				if err != nil || n < 1 || n > 9 {
					return says("rules.number_width", m)
				}
			}
		default:
			return says("rules.number_placeholder", m)
		}
	}
	if seqs != 1 {
		return says("rules.number_seq", strconv.Quote(p))
	}
	if rest := placeholderRE.ReplaceAllString(p, ""); !literalRE.MatchString(rest) {
		return says("rules.number_chars", strconv.Quote(p))
	}
	return nil
}

// FormatNumber fills a number pattern in. The pattern must have passed CheckPattern.
func FormatNumber(p string, f NumberFields) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, f.Code)
	return placeholderRE.ReplaceAllStringFunc(p, func(m string) string {
		name, arg, _ := strings.Cut(m[1:len(m)-1], ":")
		switch name {
		case "contest":
			return f.Contest
		case "year":
			return f.Issued.Format("2006")
		case "yy":
			return f.Issued.Format("06")
		case "date":
			return f.Issued.Format("20060102")
		case "level":
			return strconv.Itoa(max(int(f.Level), 0))
		case "code":
			return digits
		case "seq":
			w, _ := strconv.Atoi(arg)
			return fmt.Sprintf("%0*d", max(w, 1), f.Seq)
		}
		return m
	})
}

var nationalRE = regexp.MustCompile(`^[A-Z][0-9]{21}$`)

// CheckNationalNumber checks a certificate number in the national format an
// evaluation agency assigns: one capital letter and 21 digits.
func CheckNationalNumber(s string) error {
	if len(s) != 22 {
		return says("rules.national_length", strconv.Quote(s), len([]rune(s)))
	}
	if !nationalRE.MatchString(s) {
		return says("rules.national_format", strconv.Quote(s))
	}
	return nil
}
