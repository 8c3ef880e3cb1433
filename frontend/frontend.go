// Package frontend holds the web UI: templates, static assets and their
// translations, embedded in the binary. Templates are parsed once at start;
// static files are served under content-hashed names with long caching.
package frontend

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed templates static
var files embed.FS

// Views every page handler may render; New checks each one exists.
var Views = []string{"board"}

type asset struct {
	url   string
	data  []byte
	ctype string
}

// UI renders pages and serves assets.
type UI struct {
	tmpl   map[string]*template.Template
	assets map[string]asset // by logical name, e.g. "board.js"
	byURL  map[string]asset // by hashed URL path
}

// New parses the templates and hashes the static files.
func New() (*UI, error) {
	u := &UI{tmpl: map[string]*template.Template{}, assets: map[string]asset{}, byURL: map[string]asset{}}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ctype := mime.TypeByExtension(ext)
		if ext == ".js" {
			ctype = "text/javascript; charset=utf-8"
		}
		a := asset{url: url, data: b, ctype: ctype}
		u.assets[name] = a
		u.byURL[url] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	funcs := template.FuncMap{
		"asset": func(name string) (string, error) {
			a, ok := u.assets[name]
			if !ok {
				return "", fmt.Errorf("no static asset %q", name)
			}
			return a.url, nil
		},
		"t": translate,
	}
	for _, v := range Views {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+v+".html")
		if err != nil {
			return nil, fmt.Errorf("parse view %s: %w", v, err)
		}
		u.tmpl[v] = t
	}
	return u, nil
}

// Render writes view with data. It renders into a buffer first so a failing
// template never sends half a page.
func (u *UI) Render(w io.Writer, view string, data any) error {
	t, ok := u.tmpl[view]
	if !ok {
		return fmt.Errorf("no view %q", view)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", view, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Asset returns the static file at a hashed URL path.
func (u *UI) Asset(urlPath string) (data []byte, contentType string, ok bool) {
	a, ok := u.byURL[urlPath]
	return a.data, a.ctype, ok
}

// Langs are the UI languages; the first is the default.
var Langs = []string{"zh", "en"}

var messages = map[string]map[string]string{
	"board.title":   {"zh": "实时榜单", "en": "Live board"},
	"board.rank":    {"zh": "排名", "en": "Rank"},
	"board.who":     {"zh": "选手", "en": "Contestant"},
	"board.org":     {"zh": "单位", "en": "Organization"},
	"board.total":   {"zh": "总分", "en": "Total"},
	"board.frozen":  {"zh": "榜单已封榜", "en": "The board is frozen"},
	"board.live":    {"zh": "实时", "en": "Live"},
	"board.offline": {"zh": "连接中断，正在重连…", "en": "Connection lost, reconnecting…"},
}

func translate(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if s, ok := m[lang]; ok {
		return s
	}
	return m[Langs[0]]
}
