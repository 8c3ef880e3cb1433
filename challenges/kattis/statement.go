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
// and adds them to the package as statement.en.md / statement.zh.md. A
// package without one (or with PDF statements only) gets a placeholder in
// both languages saying so, and a warning.
func (im *importer) statements(title outText, tests []string) {
	found := map[string]bool{}
	used := map[string]bool{}
	for _, dir := range []string{"problem_statement", "statement"} {
		for _, c := range statementFiles {
			if found[c.lang] {
				continue
			}
			data, err := os.ReadFile(filepath.Join(im.src, dir, c.file))
			if err != nil {
				continue
			}
			used[dir+"/"+c.file] = true
			body := string(data)
			if strings.HasSuffix(c.file, ".tex") {
				body = latexToMarkdown(body)
			}
			im.addStatement(c.lang, title, body, tests)
			found[c.lang] = true
		}
	}
	pdfs := im.otherStatements(used)
	if len(found) > 0 {
		return
	}
	en := "This problem was imported without a statement in LaTeX or Markdown."
	zh := "导入的题目包中没有 LaTeX 或 Markdown 格式的题面。"
	if len(pdfs) > 0 {
		en += " The statement is the PDF attachment: " + strings.Join(pdfs, ", ") + "."
		zh += "题面见 PDF 附件：" + strings.Join(pdfs, "、") + "。"
	}
	im.warn("no statement in LaTeX or Markdown under problem_statement/ or statement/: the statement is a placeholder; write statement.en.md / statement.zh.md")
	im.addStatement("en", title, en, tests)
	im.addStatement("zh", title, zh, tests)
}

// statementFiles are the statement files read, by language, best first.
var statementFiles = []struct{ file, lang string }{
	{"problem.en.md", "en"}, {"problem.en.tex", "en"}, {"problem.md", "en"}, {"problem.tex", "en"},
	{"problem.zh.md", "zh"}, {"problem.zh.tex", "zh"}, {"problem.zh-CN.md", "zh"}, {"problem.zh-CN.tex", "zh"},
	{"problem.zh-Hans.md", "zh"}, {"problem.zh-Hans.tex", "zh"},
}

// otherStatements warns of statement files left out, and attaches PDF
// statements, returning their attachment names.
func (im *importer) otherStatements(used map[string]bool) []string {
	var pdfs []string
	for _, dir := range []string{"problem_statement", "statement"} {
		entries, _ := os.ReadDir(filepath.Join(im.src, dir))
		for _, e := range entries {
			name := e.Name()
			if e.IsDir() || !strings.HasPrefix(name, "problem.") || used[dir+"/"+name] {
				continue
			}
			if strings.HasSuffix(name, ".pdf") {
				data, err := os.ReadFile(filepath.Join(im.src, dir, name))
				if err == nil {
					att := "statement" + strings.TrimPrefix(name, "problem")
					im.files["attachments/"+att] = data
					pdfs = append(pdfs, att)
					continue
				}
			}
			im.warn("%s/%s: only English and Chinese statements in LaTeX or Markdown are carried over: left out", dir, name)
		}
	}
	return pdfs
}

// addStatement writes statement.LANG.md: title, body, samples.
func (im *importer) addStatement(lang string, title outText, body string, tests []string) {
	name := title.En
	if lang == "zh" && title.Zh != "" || name == "" {
		name = title.Zh
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n", name, strings.TrimSpace(body))
	im.appendSamples(&b, lang, tests)
	im.files["statement."+lang+".md"] = []byte(b.String())
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
