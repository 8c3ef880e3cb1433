package frontend

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/skillarena/arena/internal/message"
)

// Langs are the UI languages; the first is the default.
var Langs = []string{"zh", "en"}

// jsPrefixes are the key prefixes the browser modules read from the page.
var jsPrefixes = []string{"js.", "outcome.", "status.", "board."}

// Messages are the UI's translations, one JSON file per language under
// i18n/, loaded once.
type Messages struct {
	byLang map[string]map[string]string
	js     map[string]map[string]string
}

func loadMessages(fsys fs.FS) (*Messages, error) {
	m := &Messages{byLang: map[string]map[string]string{}, js: map[string]map[string]string{}}
	for _, l := range Langs {
		b, err := fs.ReadFile(fsys, "i18n/"+l+".json")
		if err != nil {
			return nil, fmt.Errorf("translations %s: %w", l, err)
		}
		var msgs map[string]string
		if err := json.Unmarshal(b, &msgs); err != nil {
			return nil, fmt.Errorf("translations i18n/%s.json: %w", l, err)
		}
		m.byLang[l] = msgs
		js := map[string]string{}
		for k, v := range msgs {
			for _, p := range jsPrefixes {
				if strings.HasPrefix(k, p) {
					js[k] = v
				}
			}
		}
		m.js[l] = js
	}
	return m, nil
}

// T translates key into lang, falling back to the default language; an
// unknown key comes back as itself (tests make sure none is used).
func (m *Messages) T(lang, key string) string {
	if s, ok := m.byLang[lang][key]; ok {
		return s
	}
	if s, ok := m.byLang[Langs[0]][key]; ok {
		return s
	}
	return key
}

// Tf translates key and fills its fmt verbs with args.
func (m *Messages) Tf(lang, key string, args ...any) string {
	return fmt.Sprintf(m.T(lang, key), args...)
}

// Has reports whether every language has key.
func (m *Messages) Has(key string) bool {
	for _, l := range Langs {
		if _, ok := m.byLang[l][key]; !ok {
			return false
		}
	}
	return true
}

// JS returns the translations the browser modules use, for lang.
func (m *Messages) JS(lang string) map[string]string { return m.js[lang] }

var verbRE = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// Check reports keys missing from a language, empty texts, and texts whose
// fmt verbs differ between languages.
func (m *Messages) Check() []string {
	var probs []string
	all := map[string]bool{}
	for _, l := range Langs {
		for k := range m.byLang[l] {
			all[k] = true
		}
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var verbs []string
		for i, l := range Langs {
			s, ok := m.byLang[l][k]
			switch {
			case !ok:
				probs = append(probs, fmt.Sprintf("%s: missing in %s", k, l))
				continue
			case strings.TrimSpace(s) == "":
				probs = append(probs, fmt.Sprintf("%s: empty in %s", k, l))
			}
			v := verbRE.FindAllString(s, -1)
			slices.Sort(v)
			if i == 0 {
				verbs = v
			} else if !slices.Equal(v, verbs) {
				probs = append(probs, fmt.Sprintf("%s: %s has verbs %v, %s has %v", k, l, v, Langs[0], verbs))
			}
		}
	}
	return probs
}

// Say puts a message (internal/message) into lang: "msg.CODE" with the
// message's arguments. ok is false for a message without a code, or with a
// code this UI has no words for: the caller shows its English.
func (m *Messages) Say(lang string, t message.Text) (string, bool) {
	if t.IsZero() || t.Code == message.CodePlain || !m.Has("msg."+t.Code) {
		return "", false
	}
	var args []any
	if t.Inner != nil {
		args = append(args, m.SayOr(lang, *t.Inner, t.Inner.String()))
	}
	for _, a := range t.Args {
		args = append(args, a)
	}
	return fmt.Sprintf(m.T(lang, "msg."+t.Code), args...), true
}

// SayOr is Say, or english where Say has no words.
func (m *Messages) SayOr(lang string, t message.Text, english string) string {
	if s, ok := m.Say(lang, t); ok {
		return s
	}
	return english
}
