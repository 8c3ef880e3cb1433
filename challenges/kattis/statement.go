package kattis

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// statements converts the statement of each language found (English and
// Chinese) to Markdown, with the title on top and the samples at the end,
// and adds them to the package as statement.en.md / statement.zh.md.
func (im *importer) statements(title outText, tests []string) (map[string]bool, error) {
	found := map[string]bool{}
	for _, dir := range []string{"problem_statement", "statement"} {
		for _, c := range []struct{ file, lang string }{
			{"problem.en.md", "en"}, {"problem.en.tex", "en"}, {"problem.md", "en"}, {"problem.tex", "en"},
			{"problem.zh.md", "zh"}, {"problem.zh.tex", "zh"}, {"problem.zh-CN.tex", "zh"}, {"problem.zh-CN.md", "zh"},
		} {
			if found[c.lang] {
				continue
			}
			data, err := os.ReadFile(filepath.Join(im.src, dir, c.file))
			if err != nil {
				continue
			}
			body := string(data)
			if strings.HasSuffix(c.file, ".tex") {
				body = latexToMarkdown(body)
			}
			name := title.En
			if c.lang == "zh" && title.Zh != "" || name == "" {
				name = title.Zh
			}
			var b strings.Builder
			fmt.Fprintf(&b, "# %s\n\n%s\n", name, strings.TrimSpace(body))
			im.appendSamples(&b, c.lang, tests)
			im.files["statement."+c.lang+".md"] = []byte(b.String())
			found[c.lang] = true
		}
	}
	return found, nil
}

// appendSamples adds the sample tests as code blocks.
func (im *importer) appendSamples(b *strings.Builder, lang string, tests []string) {
	heading, in, out := "Samples", "Input", "Output"
	if lang == "zh" {
		heading, in, out = "样例", "输入", "输出"
	}
	first := true
	n := 0
	for _, t := range tests {
		if !strings.HasPrefix(t, "sample-") {
			continue
		}
		if first {
			fmt.Fprintf(b, "\n## %s\n", heading)
			first = false
		}
		n++
		fmt.Fprintf(b, "\n%s %d:\n\n```\n%s```\n\n%s %d:\n\n```\n%s```\n", in, n, ensureNewline(im.files["hidden/tests/"+t+".in"]),
			out, n, ensureNewline(im.files["hidden/tests/"+t+".ans"]))
	}
}

func ensureNewline(b []byte) string {
	s := string(b)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

var (
	texCommentRE  = regexp.MustCompile(`(?m)(^|[^\\])%.*$`)
	texSectionRE  = regexp.MustCompile(`\\(sub)?section\*?\{([^}]*)\}`)
	texInlineRE   = regexp.MustCompile(`\\(textbf|emph|textit|texttt|textsc|underline)\{([^{}]*)\}`)
	texEnvRE      = regexp.MustCompile(`\\(begin|end)\{(itemize|enumerate|center|quote|description)\}`)
	texItemRE     = regexp.MustCompile(`(?m)^\s*\\item\s*`)
	texDropRE     = regexp.MustCompile(`\\(problemname|illustration|includegraphics|label)(\[[^\]]*\])?\{[^}]*\}(\{[^}]*\}){0,2}`)
	texBlankRunRE = regexp.MustCompile(`\n{3,}`)
)

// latexToMarkdown converts the LaTeX that problem statements use to
// Markdown: sections, emphasis, lists, quotes and dashes; math stays in $
// delimiters; figures are left out.
func latexToMarkdown(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = texCommentRE.ReplaceAllString(s, "$1")
	s = texDropRE.ReplaceAllString(s, "")
	s = texSectionRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := texSectionRE.FindStringSubmatch(m)
		if sub[1] != "" {
			return "\n### " + sub[2] + "\n"
		}
		return "\n## " + sub[2] + "\n"
	})
	for i := 0; i < 3; i++ { // nested emphasis, innermost first
		s = texInlineRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := texInlineRE.FindStringSubmatch(m)
			switch sub[1] {
			case "textbf":
				return "**" + sub[2] + "**"
			case "texttt":
				return "`" + sub[2] + "`"
			case "textsc", "underline":
				return sub[2]
			}
			return "*" + sub[2] + "*"
		})
	}
	s = texEnvRE.ReplaceAllString(s, "\n")
	s = texItemRE.ReplaceAllString(s, "- ")
	s = strings.NewReplacer(
		"``", "“", "''", "”", "---", "—", "--", "–", `\ldots`, "…", `\dots`, "…",
		`\\`, "  \n", `\%`, "%", `\&`, "&", `\_`, "_", `\#`, "#", `\$`, `\$`, "~", " ",
		`\noindent`, "", `\medskip`, "", `\bigskip`, "", `\smallskip`, "",
	).Replace(s)
	s = texBlankRunRE.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}
