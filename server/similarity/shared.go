package similarity

import (
	"bufio"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Family names the language family of lang: languages one tokenizer reads
// alike and one template serves (python3 and pypy3 are "python", c and
// cpp17 "c"). Unknown languages are their own family.
func Family(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	switch {
	case strings.HasPrefix(l, "py"):
		return "python"
	case l == "go" || l == "golang":
		return "go"
	case l == "node" || l == "js" || l == "javascript" || strings.HasPrefix(l, "node") || l == "ts" || l == "typescript":
		return "js"
	case strings.HasPrefix(l, "sol"):
		return "solidity"
	case strings.Contains(l, "sql"):
		return "sql"
	case strings.HasPrefix(l, "java"):
		return "java"
	case l == "c" || l == "c++" || l == "cc" || strings.HasPrefix(l, "cpp") || strings.HasPrefix(l, "gcc") || strings.HasPrefix(l, "g++"):
		return "c"
	}
	return l
}

// extFamilies maps file extensions to language families.
var extFamilies = map[string]string{
	".py": "python", ".go": "go", ".js": "js", ".mjs": "js", ".cjs": "js", ".ts": "js",
	".sol": "solidity", ".sql": "sql", ".java": "java",
	".c": "c", ".h": "c", ".cc": "c", ".cpp": "c", ".cxx": "c", ".c++": "c", ".hpp": "c",
}

// FileFamily returns the language family of a file by its extension; false
// for a file that is not source (data, text, images).
func FileFamily(name string) (string, bool) {
	f, ok := extFamilies[strings.ToLower(path.Ext(name))]
	return f, ok
}

// Template is code every contestant is given: a source file among the
// challenge's attachments or a code block of its statement.
type Template struct {
	// Name says where it comes from, e.g. "attachments/main.py".
	Name   string `json:"name"`
	Family string `json:"family"`
	Text   string `json:"-"`
}

// CodeBlocks returns the fenced code blocks of a Markdown statement whose
// info string names a language (```python, ~~~cpp); blocks without one are
// most often sample input and output, not code. name prefixes each
// block's name.
func CodeBlocks(name, markdown string) []Template {
	var out []Template
	var fence, family string
	var body strings.Builder
	n := 0
	sc := bufio.NewScanner(strings.NewReader(markdown))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		if fence == "" {
			for _, f := range []string{"```", "~~~"} {
				if strings.HasPrefix(trimmed, f) && len(line)-len(trimmed) < 4 {
					fence = f
					info := strings.Fields(strings.TrimLeft(trimmed, f[:1]))
					family = ""
					if len(info) > 0 {
						family = Family(strings.Trim(info[0], "{}."))
					}
					body.Reset()
				}
			}
			continue
		}
		if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, fence[:1]+" ") == "" {
			n++
			if _, known := familySyntax[family]; known {
				out = append(out, Template{Name: fmt.Sprintf("%s#%d", name, n), Family: family, Text: body.String()})
			}
			fence = ""
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	return out
}

// familySyntax is the families a template may be given in.
var familySyntax = map[string]bool{"python": true, "go": true, "js": true, "solidity": true, "sql": true, "java": true, "c": true}

// Shared is the code left out of every comparison: what the challenge's
// templates hold, and what more than a share of the compared sources of
// one language hold (MOSS's -m). Without it, the template and the common
// reading loop make innocent pairs look alike.
type Shared struct {
	// template holds every k-gram hash of the templates, by family.
	template map[string]map[uint64]bool
	// common holds the fingerprints found in too many sources, by language.
	common map[string]map[uint64]bool
	// Templates are the templates used.
	Templates []Template
	// Excluded counts the distinct fingerprints of the compared sources
	// left out; FromTemplates of them are in a template.
	Excluded      int
	FromTemplates int
}

// commonLimit is how many sources of n may hold a fingerprint before it
// counts as common.
func commonLimit(n int, o Options) int {
	return max(o.CommonMin, int(o.CommonShare*float64(n)))
}

// CommonRule returns the rule of o (defaults filled in): a fingerprint held
// by more than that many sources of a language and more than share of them is
// common.
func CommonRule(o Options) (sources int, share float64) {
	o = o.withDefaults()
	return o.CommonMin, o.CommonShare
}

// findShared finds what docs (of sources) share with templates or with too
// many of each other.
func findShared(sources []Source, docs []*Doc, templates []Template, o Options) *Shared {
	sh := &Shared{template: map[string]map[uint64]bool{}, common: map[string]map[uint64]bool{}, Templates: []Template{}}
	for _, t := range templates {
		toks := Tokenize(t.Family, t.Text)
		if len(toks) < o.K {
			continue // shorter than one k-gram: it cannot match
		}
		set := sh.template[t.Family]
		if set == nil {
			set = map[uint64]bool{}
			sh.template[t.Family] = set
		}
		// Every k-gram, not only the winnowed ones: a source holding the
		// template winnows it where its own code starts and ends.
		for _, h := range kgrams(toks, o.K) {
			set[h] = true
		}
		sh.Templates = append(sh.Templates, t)
	}
	counts := map[string]map[uint64]int{}
	n := map[string]int{}
	for i, d := range docs {
		lang := sources[i].Language
		n[lang]++
		c := counts[lang]
		if c == nil {
			c = map[uint64]int{}
			counts[lang] = c
		}
		for h := range d.byHash {
			c[h]++
		}
	}
	for lang, c := range counts {
		if o.CommonMin < 0 {
			break // the caller turned the common rule off
		}
		limit := commonLimit(n[lang], o)
		for h, k := range c {
			if k > limit {
				if sh.common[lang] == nil {
					sh.common[lang] = map[uint64]bool{}
				}
				sh.common[lang][h] = true
			}
		}
	}
	// Count what is left out of the sources compared.
	type fp struct {
		lang string
		h    uint64
	}
	seen := map[fp]bool{}
	for lang, c := range counts {
		tpl := sh.template[Family(lang)]
		for h := range c {
			if seen[fp{lang, h}] {
				continue
			}
			if tpl[h] {
				sh.FromTemplates++
				sh.Excluded++
			} else if sh.common[lang][h] {
				sh.Excluded++
			}
			seen[fp{lang, h}] = true
		}
	}
	return sh
}

// FindShared tokenizes sources and finds what they share with templates
// or with too many of each other, for Exclude.
func FindShared(sources []Source, templates []Template, o Options) *Shared {
	o = o.withDefaults()
	docs := make([]*Doc, len(sources))
	for i, s := range sources {
		docs[i] = NewDoc(s.Language, s.Text, o)
	}
	return findShared(sources, docs, templates, o)
}

// Exclude leaves the shared fingerprints out of d, a source in lang: they
// count neither in its score nor in its fragments, and a fragment does not
// grow over the tokens they cover.
func (sh *Shared) Exclude(d *Doc, lang string) {
	if sh == nil {
		return
	}
	tpl, common := sh.template[Family(lang)], sh.common[lang]
	if len(tpl) == 0 && len(common) == 0 {
		return
	}
	for i, h := range d.hashes {
		if tpl[h] || common[h] {
			if d.shared == nil {
				d.shared = make([]bool, len(d.Tokens))
			}
			for j := i; j < i+d.k && j < len(d.shared); j++ {
				d.shared[j] = true
			}
		}
	}
	if d.shared == nil {
		return
	}
	// A k-gram partly in shared code is shared too: otherwise the code
	// right after the template (the same call of its reader, say) would
	// make a pair of the few fingerprints left.
	kept := d.Fingerprints[:0:0]
	d.byHash = map[uint64][]int{}
	for _, f := range d.Fingerprints {
		if tpl[f.Hash] || common[f.Hash] || slices.Contains(d.shared[f.Pos:min(f.Pos+d.k, len(d.shared))], true) {
			continue
		}
		kept = append(kept, f)
		d.byHash[f.Hash] = append(d.byHash[f.Hash], f.Pos)
	}
	d.Fingerprints = kept
}
