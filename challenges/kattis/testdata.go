package kattis

import (
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/skillarena/arena/challenges"
)

// settings are a test data group's testdata.yaml, as it applies to the
// group: the legacy format takes the whole file of the closest ancestor
// that has one, so file names where they came from.
type settings struct {
	file         string // the testdata.yaml these came from ("" for the defaults)
	breakOnFail  bool   // on_reject: break (the default)
	scoreMode    string // sum (default), avg, min, max
	forgiving    bool   // always_accept or accept_if_any_accepted: a rejection does not reject the group
	firstError   bool   // first_error: the verdict is the first rejection's, not the worst
	acceptScore  float64
	rejectScore  float64
	rangeLo      float64
	rangeHi      float64
	scoreGiven   bool // accept_score, reject_score or range given
	outputFlags  []string
	hasInputFlag bool
}

func defaultSettings() settings {
	return settings{breakOnFail: true, scoreMode: "sum", acceptScore: 1, rangeLo: math.Inf(-1), rangeHi: math.Inf(1)}
}

var testdataKeys = []string{
	"on_reject", "grading", "grader_flags", "input_validator_flags", "output_validator_flags",
	"accept_score", "reject_score", "range",
}

// readSettings reads dir/testdata.yaml, or returns inherited when there is none.
func (im *importer) readSettings(dir string, inherited settings) (settings, error) {
	if _, err := os.Stat(filepath.Join(im.src, filepath.FromSlash(dir), "test_group.yaml")); err == nil {
		im.warn("%s/test_group.yaml: not read: this importer reads testdata.yaml (legacy and 2023-07)", dir)
	}
	file := dir + "/testdata.yaml"
	f, ok, err := readFieldsFile(im.src, file)
	if err != nil || !ok {
		return inherited, err
	}
	s := defaultSettings()
	s.file = file
	if u := f.unknown(testdataKeys...); len(u) > 0 {
		return s, f.errorf(u[0], "unknown field (known: %s)", strings.Join(testdataKeys, ", "))
	}
	onReject, err := f.str("on_reject")
	if err != nil {
		return s, err
	}
	switch onReject {
	case "", "break":
	case "continue":
		s.breakOnFail = false
	default:
		return s, f.errorf("on_reject", "%q is not break or continue", onReject)
	}
	grading, err := f.str("grading")
	if err != nil {
		return s, err
	}
	switch grading {
	case "", "default":
	case "custom":
		return s, f.errorf("grading", "custom graders cannot be carried over: SkillArena groups add up by sum or min")
	default:
		return s, f.errorf("grading", "%q is not default or custom", grading)
	}
	flags, err := f.flags("grader_flags")
	if err != nil {
		return s, err
	}
	if err := s.readGraderFlags(f, flags); err != nil {
		return s, err
	}
	if s.outputFlags, err = f.flags("output_validator_flags"); err != nil {
		return s, err
	}
	s.hasInputFlag = f.has("input_validator_flags")
	return s, s.readScores(f, im.problem.scoring)
}

// readGraderFlags reads the default grader's modes; where several conflict,
// the last one counts, as the format says.
func (s *settings) readGraderFlags(f fields, flags []string) error {
	for _, fl := range flags {
		switch fl {
		case "worst_error", "no_errors":
			s.forgiving, s.firstError = false, false
		case "first_error":
			s.forgiving, s.firstError = false, true
		case "always_accept", "accept_if_any_accepted":
			s.forgiving = true
		case "sum", "avg", "min", "max":
			s.scoreMode = fl
		case "ignore_sample":
			// Samples never count in SkillArena (a 0-point group).
		default:
			return f.errorf("grader_flags", "%q is not a flag of the default grader (worst_error, first_error, always_accept, sum, avg, min, max, ignore_sample, accept_if_any_accepted)", fl)
		}
	}
	return nil
}

// readScores reads accept_score, reject_score and range.
func (s *settings) readScores(f fields, scoring bool) error {
	for _, v := range []struct {
		key string
		to  *float64
	}{{"accept_score", &s.acceptScore}, {"reject_score", &s.rejectScore}} {
		x, ok, err := f.num(v.key)
		if err != nil {
			return err
		}
		if ok {
			if math.IsInf(x, 0) {
				return f.errorf(v.key, "must be a finite number, got %v", x)
			}
			*v.to, s.scoreGiven = x, true
		}
	}
	r, err := f.str("range")
	if err != nil {
		return err
	}
	if r != "" {
		parts := strings.Fields(r)
		if len(parts) != 2 {
			return f.errorf("range", "%q: want two numbers, the lowest and highest score", r)
		}
		lo, err1 := parseFloat(parts[0])
		hi, err2 := parseFloat(parts[1])
		if err1 != nil || err2 != nil || lo > hi {
			return f.errorf("range", "%q: want two numbers, the lowest and highest score", r)
		}
		s.rangeLo, s.rangeHi, s.scoreGiven = lo, hi, true
	}
	if s.scoreGiven && !scoring {
		return f.errorf("accept_score", "accept_score, reject_score and range are only for scoring problems (problem.yaml type: scoring)")
	}
	return nil
}

// node is one test data group: a directory under data/.
type node struct {
	dir      string   // package path, data/secret/group1
	group    string   // SkillArena group name
	tests    []string // SkillArena test names of its own test cases, in order
	children []*node
	set      settings
}

// items counts what the group aggregates: its test cases and subgroups.
func (n *node) items() int { return len(n.tests) + len(n.children) }

// allTests lists the test names of n and every group below it.
func (n *node) allTests() []string {
	out := append([]string(nil), n.tests...)
	for _, c := range n.children {
		out = append(out, c.allTests()...)
	}
	return out
}

// readTree reads the test data group dir and the groups below it, copying
// its test cases into hidden/tests under prefix-NAME.
func (im *importer) readTree(dir, group, prefix string, inherited settings) (*node, error) {
	set, err := im.readSettings(dir, inherited)
	if err != nil {
		return nil, err
	}
	n := &node{dir: dir, group: group, set: set}
	entries, err := os.ReadDir(filepath.Join(im.src, filepath.FromSlash(dir)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	// The format orders test cases and groups together by base name.
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			sub := dir + "/" + name
			if dir == "data/sample" {
				im.warn("%s: the samples are read without their subgroups' structure", sub)
			}
			c, err := im.readTree(sub, joinName(group, slugName(name)), prefix+"-"+slugName(name), set)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, c)
			continue
		}
		base, ok := strings.CutSuffix(name, ".in")
		if !ok {
			continue
		}
		if err := im.addTest(dir, base, prefix+"-"+slugName(base), &n.tests); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// addTest copies one test case's .in and .ans.
func (im *importer) addTest(dir, base, name string, into *[]string) error {
	in := path.Join(dir, base+".in")
	input, err := os.ReadFile(filepath.Join(im.src, filepath.FromSlash(in)))
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	ans, err := os.ReadFile(filepath.Join(im.src, filepath.FromSlash(dir), base+".ans"))
	if err != nil {
		return fmt.Errorf("%s: answer: no %s.ans beside it", in, base)
	}
	key := "hidden/tests/" + name + ".in"
	if _, dup := im.files[key]; dup {
		return fmt.Errorf("%s: its SkillArena test name %s is taken by another test: rename one", in, name)
	}
	im.files[key] = input
	im.files["hidden/tests/"+name+".ans"] = ans
	if strings.HasPrefix(dir, "data/sample") {
		im.files["attachments/samples/"+strings.TrimPrefix(name, "sample-")+".in"] = input
		im.files["attachments/samples/"+strings.TrimPrefix(name, "sample-")+".ans"] = ans
	}
	*into = append(*into, name)
	return nil
}

func joinName(parent, name string) string {
	if parent == "" || parent == "secret" {
		return name
	}
	return parent + "-" + name
}

// testData reads data/ and returns the test names in order and the groups:
// none for pass-fail problems (all or nothing over every test, as the
// format judges them), a 0-point samples group and the secret groups'
// points for scoring problems.
func (im *importer) testData() ([]string, []outGroup, []*node, error) {
	root, err := im.readSettings("data", defaultSettings())
	if err != nil {
		return nil, nil, nil, err
	}
	var sample *node
	if fi, err := os.Stat(filepath.Join(im.src, "data", "sample")); err == nil && fi.IsDir() {
		if sample, err = im.readTree("data/sample", "samples", "sample", root); err != nil {
			return nil, nil, nil, err
		}
	}
	if fi, err := os.Stat(filepath.Join(im.src, "data", "secret")); err != nil || !fi.IsDir() {
		return nil, nil, nil, fmt.Errorf("data/secret: missing: a package needs secret test data")
	}
	secret, err := im.readTree("data/secret", "secret", "secret", root)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(secret.allTests()) == 0 {
		return nil, nil, nil, fmt.Errorf("data/secret: no secret tests (NAME.in / NAME.ans pairs)")
	}
	var names []string
	if sample != nil {
		names = sample.allTests()
	}
	names = append(names, secret.allTests()...)
	im.noteInputValidators(append([]*node{secret}, optional(sample)...))
	trees := append(optional(sample), secret)
	if !im.problem.scoring {
		return names, nil, trees, im.passFail(trees)
	}
	groups, err := im.scoringGroups(secret)
	if err != nil {
		return nil, nil, nil, err
	}
	if sample != nil && len(sample.allTests()) > 0 {
		groups = append([]outGroup{{Name: "samples", Points: 0, Tests: sample.allTests(), Scoring: challenges.ScoringMin}}, groups...)
	}
	return names, groups, trees, nil
}

func optional(n *node) []*node {
	if n == nil {
		return nil
	}
	return []*node{n}
}

// passFail checks that no group's grading would accept a failed test: a
// pass-fail challenge here is all or nothing, its outcome the first failed
// test's.
func (im *importer) passFail(nodes []*node) error {
	for _, n := range nodes {
		if n.set.forgiving {
			return fmt.Errorf("%s: grader_flags: always_accept / accept_if_any_accepted accept a submission that fails tests, which a pass-fail challenge cannot express", n.set.file)
		}
		if !n.set.breakOnFail && !n.set.firstError && n.items() > 1 {
			im.warn("%s: on_reject: continue with worst_error makes the worst rejection the verdict; SkillArena's outcome is the first failed test's", where(n))
		}
		for _, c := range n.children {
			if err := im.passFail([]*node{c}); err != nil {
				return err
			}
		}
	}
	return nil
}

// noteInputValidators warns once that input validation stays behind.
func (im *importer) noteInputValidators(nodes []*node) {
	flagged := false
	var walk func(n *node)
	walk = func(n *node) {
		flagged = flagged || n.set.hasInputFlag
		for _, c := range n.children {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	_, err1 := os.Stat(filepath.Join(im.src, "input_validators"))
	_, err2 := os.Stat(filepath.Join(im.src, "input_format_validators"))
	if flagged || err1 == nil || err2 == nil {
		im.warn("input validators and input_validator_flags are not carried over: SkillArena does not validate test inputs")
	}
}
