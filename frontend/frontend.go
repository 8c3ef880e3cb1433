// Package frontend holds the web UI: templates, static assets and their
// translations, embedded in the binary. Templates are parsed once at start
// and New checks that every view exists; static files are served under
// content-hashed names with long caching; translations are loaded once from
// i18n/*.json.
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
	"regexp"
	"strings"

	"github.com/skillarena/arena/internal/message"
)

//go:embed templates static i18n
var files embed.FS

// Views every page handler may render; New checks each one exists.
var Views = []string{
	"home", "login", "error", "contest", "board", "challenges", "challenge", "submit",
	"submissions", "submission", "clarifications", "rejudge", "admin", "import", "audit",
	"certificates", "account", "verify", "similarity", "similarity_pair",
	"rejudges", "stats",
}

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
	msgs   *Messages
	md     markdown
}

// New parses the templates, loads the translations and hashes the static files.
func New() (*UI, error) {
	msgs, err := loadMessages(files)
	if err != nil {
		return nil, err
	}
	u := &UI{tmpl: map[string]*template.Template{}, msgs: msgs, md: newMarkdown()}
	if u.assets, err = hashAssets(files); err != nil {
		return nil, err
	}
	u.byURL = map[string]asset{}
	for _, a := range u.assets {
		u.byURL[a.url] = a
	}
	funcs := u.funcs()
	for _, v := range Views {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files,
			"templates/layout.html", "templates/partials.html", "templates/"+v+".html")
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
	return u.RenderBlock(w, view, "layout.html", data)
}

// RenderBlock writes one named template of view — a fragment that a live
// page fetches to replace part of itself — or the whole page for "layout.html".
func (u *UI) RenderBlock(w io.Writer, view, block string, data any) error {
	t, ok := u.tmpl[view]
	if !ok {
		return fmt.Errorf("no view %q", view)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("render %s/%s: %w", view, block, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// HasBlock reports whether view defines the named template.
func (u *UI) HasBlock(view, block string) bool {
	t, ok := u.tmpl[view]
	return ok && t.Lookup(block) != nil
}

// Asset returns the static file at a hashed URL path.
func (u *UI) Asset(urlPath string) (data []byte, contentType string, ok bool) {
	a, ok := u.byURL[urlPath]
	return a.data, a.ctype, ok
}

// T translates key into lang.
func (u *UI) T(lang, key string) string { return u.msgs.T(lang, key) }

// Say puts a message into lang (Messages.Say).
func (u *UI) Say(lang string, t message.Text) (string, bool) { return u.msgs.Say(lang, t) }

// Messages returns the translations.
func (u *UI) Messages() *Messages { return u.msgs }

// Markdown renders a statement safely: raw HTML is dropped and dangerous
// link targets are removed.
func (u *UI) Markdown(src string) (template.HTML, error) { return u.md.render(src) }

// importRE finds the relative imports of an ES module: from './x.js' and import './x.js'.
var importRE = regexp.MustCompile(`(\bfrom\s*|\bimport\s*)(['"])\./([A-Za-z0-9_-]+\.js)(['"])`)

// hashAssets reads every static file and names it by its content hash. An
// ES module's relative imports are rewritten to the hashed names first, so a
// change in an imported module changes the importer's name too.
func hashAssets(fsys fs.FS) (map[string]asset, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		raw[strings.TrimPrefix(p, "static/")] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static assets: %w", err)
	}
	out := map[string]asset{}
	visiting := map[string]bool{}
	var resolve func(name string) (asset, error)
	resolve = func(name string) (asset, error) {
		if a, ok := out[name]; ok {
			return a, nil
		}
		b, ok := raw[name]
		if !ok {
			return asset{}, fmt.Errorf("static asset %q does not exist", name)
		}
		if visiting[name] {
			return asset{}, fmt.Errorf("static asset %q imports itself", name)
		}
		visiting[name] = true
		ext := path.Ext(name)
		if ext == ".js" {
			var ierr error
			b = importRE.ReplaceAllFunc(b, func(m []byte) []byte {
				sm := importRE.FindSubmatch(m)
				dep, err := resolve(string(sm[3]))
				if err != nil {
					ierr = err
					return m
				}
				return []byte(string(sm[1]) + string(sm[2]) + dep.url + string(sm[4]))
			})
			if ierr != nil {
				return asset{}, fmt.Errorf("%s: %w", name, ierr)
			}
		}
		sum := sha256.Sum256(b)
		url := "/static/" + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		ctype := mime.TypeByExtension(ext)
		if ext == ".js" {
			ctype = "text/javascript; charset=utf-8"
		}
		a := asset{url: url, data: b, ctype: ctype}
		out[name] = a
		return a, nil
	}
	for name := range raw {
		if _, err := resolve(name); err != nil {
			return nil, err
		}
	}
	return out, nil
}
