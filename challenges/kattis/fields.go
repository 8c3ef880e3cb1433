package kattis

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// fields is one YAML mapping of a package file, read key by key so that a
// wrong value is reported with its file and field rather than a decoder's
// line number alone.
type fields struct {
	file   string // package path, e.g. data/secret/g1/testdata.yaml
	prefix string // the mapping's own field path, e.g. "limits."
	m      map[string]*yaml.Node
}

// readFieldsFile reads a YAML file of the package whose top is a mapping.
// A missing file is (fields{}, false, nil); an empty one is an empty mapping.
func readFieldsFile(root, file string) (fields, bool, error) {
	raw, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
	if errors.Is(err, os.ErrNotExist) {
		return fields{}, false, nil
	}
	if err != nil {
		return fields{}, false, fmt.Errorf("%s: %w", file, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fields{}, false, fmt.Errorf("%s: %w", file, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return fields{file: file, m: map[string]*yaml.Node{}}, true, nil
	}
	f, err := newFields(file, "", doc.Content[0])
	return f, true, err
}

func newFields(file, prefix string, n *yaml.Node) (fields, error) {
	f := fields{file: file, prefix: prefix, m: map[string]*yaml.Node{}}
	if n.Kind != yaml.MappingNode {
		name := strings.TrimSuffix(prefix, ".")
		if name == "" {
			return f, fmt.Errorf("%s: line %d: want a mapping of fields", file, n.Line)
		}
		return f, fmt.Errorf("%s: %s: line %d: want a mapping of fields", file, name, n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		f.m[n.Content[i].Value] = n.Content[i+1]
	}
	return f, nil
}

// errorf reports a problem with field key.
func (f fields) errorf(key, format string, args ...any) error {
	return fmt.Errorf("%s: %s%s: %s", f.file, f.prefix, key, fmt.Sprintf(format, args...))
}

func (f fields) has(key string) bool { _, ok := f.m[key]; return ok }

// unknown lists the keys not in known, sorted, with their prefix.
func (f fields) unknown(known ...string) []string {
	var out []string
	for k := range f.m {
		if !slices.Contains(known, k) {
			out = append(out, f.prefix+k)
		}
	}
	sort.Strings(out)
	return out
}

// str reads a scalar as text ("" when absent).
func (f fields) str(key string) (string, error) {
	n, ok := f.m[key]
	if !ok || n.Tag == "!!null" {
		return "", nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", f.errorf(key, "line %d: want a string", n.Line)
	}
	return n.Value, nil
}

// num reads a number; ok is false when the key is absent.
func (f fields) num(key string) (v float64, ok bool, err error) {
	n, present := f.m[key]
	if !present || n.Tag == "!!null" {
		return 0, false, nil
	}
	if n.Kind == yaml.ScalarNode {
		if v, err := parseFloat(n.Value); err == nil {
			return v, true, nil
		}
	}
	return 0, false, f.errorf(key, "line %d: want a number, got %q", n.Line, n.Value)
}

// positive reads a number that must be above 0 (and finite) when given.
func (f fields) positive(key string) (float64, bool, error) {
	v, ok, err := f.num(key)
	if err == nil && ok && (v <= 0 || math.IsInf(v, 0)) {
		err = f.errorf(key, "must be a positive number, got %v", v)
	}
	return v, ok, err
}

// sub reads a nested mapping; ok is false when the key is absent.
func (f fields) sub(key string) (fields, bool, error) {
	n, present := f.m[key]
	if !present || n.Tag == "!!null" {
		return fields{file: f.file, prefix: f.prefix + key + ".", m: map[string]*yaml.Node{}}, false, nil
	}
	s, err := newFields(f.file, f.prefix+key+".", n)
	return s, true, err
}

// flags reads command-line arguments given as one string, a list of
// strings (2023-07), or a mapping with "name" and "flags" (legacy, naming
// one validator).
func (f fields) flags(key string) ([]string, error) {
	n, ok := f.m[key]
	if !ok || n.Tag == "!!null" {
		return nil, nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return strings.Fields(n.Value), nil
	case yaml.SequenceNode:
		var out []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, f.errorf(key, "line %d: want a list of strings", c.Line)
			}
			out = append(out, c.Value)
		}
		return out, nil
	case yaml.MappingNode:
		s, _ := newFields(f.file, f.prefix+key+".", n)
		if u := s.unknown("name", "flags"); len(u) > 0 {
			return nil, f.errorf(key, "unknown field %s (a mapping has name and flags)", strings.Join(u, ", "))
		}
		return s.flags("flags")
	}
	return nil, f.errorf(key, "line %d: want a string of arguments", n.Line)
}

// parseFloat reads a number as the package format writes them, with inf.
func parseFloat(s string) (float64, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "inf", "+inf", ".inf", "+.inf", "infinity":
		return math.Inf(1), nil
	case "-inf", "-.inf", "-infinity":
		return math.Inf(-1), nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}
