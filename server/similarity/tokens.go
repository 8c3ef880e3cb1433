// Package similarity finds submissions that look copied from each other:
// token-based fingerprints that survive renamed identifiers, changed
// comments and moved blank lines (winnowing, Schleimer, Wilkerson and
// Aiken, "Winnowing: local algorithms for document fingerprinting", the
// method of MOSS), pairs scored and ranked, with the matching fragments as
// line ranges on both sides. It is pure: the sources come from the caller
// (server/judging loads them); no Redis, no files.
package similarity

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one normalized token of a source: identifiers are all the
// symbol "I", literals one symbol per kind ("N" numbers, "S" strings,
// "R" JavaScript regular expressions), keywords and punctuation kept as
// written.
type Token struct {
	Sym  string
	Line int // 1-based line of the token's start
}

// syntax is how a family of languages writes comments, strings and keywords.
type syntax struct {
	line     []string // line-comment openers
	block    bool     // /* ... */ comments
	triple   bool     // Python's ''' and """ strings
	backtick bool     // `...` strings (Go raw strings, JS templates)
	fold     bool     // keywords are case-insensitive (SQL)
	regex    bool     // /.../flags regular expressions (JavaScript)
	raw      bool     // R"delim(...)delim" raw strings (C++)
	keywords map[string]bool
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

var (
	pythonSyntax = syntax{line: []string{"#"}, triple: true, keywords: words(`False None True and as assert async await
		break class continue def del elif else except finally for from global if import in is lambda nonlocal not or
		pass raise return try while with yield print range len int str float list dict set tuple input open`)}
	cSyntax = syntax{line: []string{"//"}, block: true, raw: true, keywords: words(`auto bool break case catch char class const
		constexpr continue default delete do double else enum explicit extern false float for friend goto if inline int
		long namespace new nullptr operator private protected public return short signed sizeof static struct switch
		template this throw true try typedef typename union unsigned using virtual void volatile while include define
		std cin cout endl vector string map set pair auto`)}
	goSyntax = syntax{line: []string{"//"}, block: true, backtick: true, keywords: words(`break case chan const continue
		default defer else fallthrough for func go goto if import interface map package range return select struct
		switch type var nil true false int int64 string byte rune bool float64 error len cap make append new fmt`)}
	jsSyntax = syntax{line: []string{"//"}, block: true, backtick: true, regex: true, keywords: words(`async await break case catch
		class const continue debugger default delete do else export extends false finally for function if import in
		instanceof let new null of return static super switch this throw true try typeof undefined var void while
		yield require console`)}
	soliditySyntax = syntax{line: []string{"//"}, block: true, keywords: words(`pragma solidity contract interface
		library function modifier event emit struct enum mapping address bool string bytes uint uint256 int int256
		public private internal external view pure payable returns return if else for while do break continue require
		revert assert memory storage calldata constructor msg sender value new delete true false this override virtual
		import is using`)}
	sqlSyntax = syntax{line: []string{"--", "#"}, block: true, fold: true, keywords: words(`select from where group by
		order having join left right inner outer full cross on as and or not in is null like between case when then
		else end distinct union all limit offset insert into values update set delete create table view with count sum
		avg min max asc desc exists over partition row_number rank dense_rank cast coalesce`)}
)

// syntaxOf picks the syntax for a language name as contests spell them
// (python3, cpp, go, node, js, sql, solidity); others are C-like.
func syntaxOf(lang string) syntax {
	l := strings.ToLower(lang)
	switch {
	case strings.HasPrefix(l, "py"):
		return pythonSyntax
	case l == "go" || l == "golang":
		return goSyntax
	case l == "node" || l == "js" || l == "javascript" || strings.HasPrefix(l, "node") || l == "ts" || l == "typescript":
		return jsSyntax
	case strings.HasPrefix(l, "sol"):
		return soliditySyntax
	case strings.Contains(l, "sql"):
		return sqlSyntax
	}
	return cSyntax
}

// Tokenize splits src, written in lang, into normalized tokens, dropping
// comments and whitespace. It never fails: bytes it does not understand
// become punctuation tokens.
func Tokenize(lang string, src string) []Token {
	sx := syntaxOf(lang)
	var out []Token
	line := 1
	i := 0
	emit := func(sym string, at int) { out = append(out, Token{Sym: sym, Line: at}) }
	// skipTo advances i past the first end at or after from, counting lines; to the end if none.
	skipTo := func(from int, end string) {
		j := strings.Index(src[from:], end)
		stop := len(src)
		if j >= 0 {
			stop = from + j + len(end)
		}
		line += strings.Count(src[i:stop], "\n")
		i = stop
	}
	for i < len(src) {
		c := src[i]
		if c == '\n' {
			line++
			i++
			continue
		}
		if c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' {
			i++
			continue
		}
		if lineComment(sx, src[i:]) {
			j := strings.IndexByte(src[i:], '\n')
			if j < 0 {
				i = len(src)
			} else {
				i += j
			}
			continue
		}
		if sx.block && strings.HasPrefix(src[i:], "/*") {
			skipTo(i+2, "*/")
			continue
		}
		start := line
		switch {
		case sx.triple && (strings.HasPrefix(src[i:], `"""`) || strings.HasPrefix(src[i:], `'''`)):
			skipTo(i+3, src[i:i+3])
			// A triple-quoted string opening a line is a docstring: a comment.
			if len(out) > 0 && out[len(out)-1].Line == start {
				emit("S", start)
			}
		case c == '"' || c == '\'' || (c == '`' && sx.backtick):
			i = stringEnd(src, i, &line)
			emit("S", start)
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (isWord(src[j]) || src[j] == '.') {
				j++
			}
			i = j
			emit("N", start)
		case sx.regex && c == '/' && regexMayStart(out):
			if j, ok := regexEnd(src, i); ok {
				i = j
				emit("R", start)
			} else {
				i++
				emit("/", start)
			}
		case isWordStart(c):
			j := i + 1
			for j < len(src) && isWord(src[j]) {
				j++
			}
			w := src[i:j]
			if sx.raw && rawPrefixes[w] && j < len(src) && src[j] == '"' {
				if end, ok := rawStringEnd(src, j); ok {
					line += strings.Count(src[i:end], "\n")
					i = end
					emit("S", start)
					continue
				}
			}
			if sx.fold {
				w = strings.ToLower(w)
			}
			i = j
			if sx.keywords[w] {
				emit(w, start)
			} else {
				emit("I", start)
			}
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(src[i:])
			i += n
			if unicode.IsLetter(r) {
				// A non-ASCII identifier: one symbol, like any identifier.
				for i < len(src) {
					r, n := utf8.DecodeRuneInString(src[i:])
					if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
						break
					}
					i += n
				}
				emit("I", start)
			} else if !unicode.IsSpace(r) {
				emit(string(r), start)
			}
		default:
			i++
			emit(string(c), start)
		}
	}
	return out
}

func lineComment(sx syntax, rest string) bool {
	for _, p := range sx.line {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

// stringEnd returns the index after the string literal opened at i,
// counting the lines it spans; an unclosed literal ends at the line's end
// (the file's end for backticks).
func stringEnd(src string, i int, line *int) int {
	q := src[i]
	j := i + 1
	for j < len(src) {
		switch src[j] {
		case '\\':
			if q != '`' && j+1 < len(src) {
				j++
				if src[j] == '\n' {
					*line++
				}
			}
		case '\n':
			if q != '`' {
				return j
			}
			*line++
		case q:
			return j + 1
		}
		j++
	}
	return j
}

func isWordStart(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isWord(c byte) bool { return isWordStart(c) || c >= '0' && c <= '9' }

// operandEnds are the tokens after which a slash divides: what ends a
// value. After anything else (an operator, "(", ",", return) it opens a
// regular expression.
var operandEnds = map[string]bool{"I": true, "N": true, "S": true, "R": true, ")": true, "]": true, "}": true,
	"this": true, "super": true, "true": true, "false": true, "null": true, "undefined": true}

// regexMayStart says whether a slash after toks opens a regular expression.
func regexMayStart(toks []Token) bool {
	n := len(toks)
	if n == 0 {
		return true
	}
	last := toks[n-1].Sym
	// a++ / b and a-- / b divide.
	if n >= 3 && (last == "+" || last == "-") && toks[n-2].Sym == last && operandEnds[toks[n-3].Sym] {
		return false
	}
	return !operandEnds[last]
}

// regexEnd returns the index after the regular expression literal opened
// at i, its flags included; not ok when it does not close on its line,
// then the slash was a division after all.
func regexEnd(src string, i int) (int, bool) {
	class := false
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
			if j < len(src) && src[j] == '\n' {
				return 0, false
			}
		case '\n':
			return 0, false
		case '[':
			class = true
		case ']':
			class = false
		case '/':
			if class {
				continue
			}
			j++
			for j < len(src) && isWord(src[j]) {
				j++
			}
			return j, true
		}
	}
	return 0, false
}

// rawPrefixes are the encoding prefixes of C++ raw strings.
var rawPrefixes = map[string]bool{"R": true, "LR": true, "uR": true, "UR": true, "u8R": true}

// rawStringEnd returns the index after the raw string R"delim(...)delim"
// whose quote is at q; not ok for a malformed delimiter or an unclosed
// string, read then as a name and a string.
func rawStringEnd(src string, q int) (int, bool) {
	open := strings.IndexByte(src[q+1:], '(')
	if open < 0 || open > 16 {
		return 0, false
	}
	delim := src[q+1 : q+1+open]
	if strings.ContainsAny(delim, " ()\\\t\v\f\n\"") {
		return 0, false
	}
	body := q + 1 + open + 1
	end := strings.Index(src[body:], ")"+delim+"\"")
	if end < 0 {
		return 0, false
	}
	return body + end + len(delim) + 2, true
}
