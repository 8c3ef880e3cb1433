package frontend

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// markdown renders statements: GitHub-flavoured Markdown (tables, task
// lists, strikethrough, autolinks) with CJK line breaking. Raw HTML in the
// source is dropped (goldmark without WithUnsafe), and links or images with
// dangerous schemes (javascript:, vbscript:, file:, data: except images)
// lose their target.
type markdown struct{ md goldmark.Markdown }

func newMarkdown() markdown {
	return markdown{md: goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.CJK),
		goldmark.WithRendererOptions(html.WithXHTML()),
	)}
}

func (m markdown) render(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render Markdown: %w", err)
	}
	// Safe: goldmark escapes text and drops raw HTML in this configuration.
	return template.HTML(buf.String()), nil //nolint:gosec
}
