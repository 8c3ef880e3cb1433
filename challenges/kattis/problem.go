package kattis

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// problem is what the importer reads of problem.yaml, in either format
// version: legacy (the default) or 2023-07.
type problem struct {
	modern         bool // 2023-07 (or a later draft) rather than legacy
	scoring        bool
	validation     string // legacy "default" or "custom ..."
	validatorFlags []string
	name           *yaml.Node
	credits        [][2]string // author, source, license for the header comment
	limits         limits
}

// limits are problem.yaml's limits, in the package's units. Zero: not given.
type limits struct {
	timeLimit      float64 // seconds (2023-07; also read in legacy packages, which Kattis wrote it into)
	timeMultiplier float64 // legacy, default 5
	safetyMargin   float64 // legacy, default 2
	acToTimeLimit  float64 // 2023-07, default 2
	timeLimitToTLE float64 // 2023-07, default 1.5
	timeResolution float64 // 2023-07, default 1 s
	memoryMiB      float64
	outputMiB      float64
	codeKiB        float64
	compileS       float64
	compileMiB     float64
	validationS    float64
	validationMiB  float64
}

// Spec defaults of the time rules.
const (
	legacyTimeMultiplier = 5.0
	legacySafetyMargin   = 2.0
	modernACToTimeLimit  = 2.0
	modernTimeLimitToTLE = 1.5
	modernTimeResolution = 1.0
)

var problemKeys = []string{
	"problem_format_version", "type", "name", "uuid", "version", "author", "credits", "source", "source_url",
	"license", "rights_owner", "embargo_until", "limits", "validation", "validator_flags", "grading", "scoring",
	"keywords", "languages", "allow_file_writing", "constants",
	// Kattis wrote these into legacy packages before the 2023-07 format had them.
	"output_validator_flags",
}

// readProblem reads and checks problem.yaml.
func (im *importer) readProblem() (problem, error) {
	const file = "problem.yaml"
	var p problem
	f, ok, err := readFieldsFile(im.src, file)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, fmt.Errorf("%s: missing: not a Kattis problem package", file)
	}
	if u := f.unknown(problemKeys...); len(u) > 0 {
		im.warn("%s: unknown field %s: ignored", file, strings.Join(u, ", "))
	}
	version, err := f.str("problem_format_version")
	if err != nil {
		return p, err
	}
	switch version {
	case "", "legacy", "legacy-icpc":
	case "2023-07", "2023-07-draft", "draft":
		p.modern = true
	default:
		p.modern = true
		im.warn("%s: problem_format_version %q is read as 2023-07", file, version)
	}
	if err := p.readType(f, im); err != nil {
		return p, err
	}
	if p.validation, err = f.str("validation"); err != nil {
		return p, err
	}
	if p.validation == "" {
		p.validation = "default"
	}
	v := strings.Fields(p.validation)
	if v[0] != "default" && v[0] != "custom" {
		return p, f.errorf("validation", "%q must begin with default or custom", p.validation)
	}
	if slices.Contains(v, "interactive") {
		return p, f.errorf("validation", "interactive problems cannot be imported: SkillArena checks a finished output")
	}
	if slices.Contains(v, "score") {
		if !p.scoring {
			return p, f.errorf("validation", "score is only valid for scoring problems (type: scoring)")
		}
	}
	legacyFlags, err := f.flags("validator_flags")
	if err != nil {
		return p, err
	}
	otherFlags, err := f.flags("output_validator_flags")
	if err != nil {
		return p, err
	}
	p.validatorFlags = append(legacyFlags, otherFlags...)
	if n, ok := f.m["name"]; ok {
		p.name = n
	}
	for _, key := range []string{"author", "credits", "source", "license"} {
		if s := looseText(f.m[key]); s != "" {
			p.credits = append(p.credits, [2]string{key, s})
		}
	}
	if err := p.readGrading(f); err != nil {
		return p, err
	}
	if p.limits, err = readLimits(f); err != nil {
		return p, err
	}
	return p, nil
}

// readType reads type: a string, or (2023-07) a list of strings.
func (p *problem) readType(f fields, im *importer) error {
	var types []string
	if n, ok := f.m["type"]; ok {
		switch n.Kind {
		case yaml.ScalarNode:
			types = strings.Fields(n.Value)
		case yaml.SequenceNode:
			for _, c := range n.Content {
				types = append(types, c.Value)
			}
		default:
			return f.errorf("type", "line %d: want a string or a list of strings", n.Line)
		}
	}
	for _, t := range types {
		switch t {
		case "pass-fail":
		case "scoring":
			p.scoring = true
		case "interactive", "multi-pass", "submit-answer":
			return f.errorf("type", "%s problems cannot be imported: SkillArena runs a program once per test and checks its output", t)
		default:
			return f.errorf("type", "%q is not pass-fail, scoring, interactive, multi-pass or submit-answer", t)
		}
	}
	return nil
}

// readGrading refuses minimisation: SkillArena ranks higher scores first.
func (p *problem) readGrading(f fields) error {
	for _, key := range []string{"grading", "scoring"} {
		g, ok, err := f.sub(key)
		if err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		if !p.scoring {
			return f.errorf(key, "only scoring problems (type: scoring) have it")
		}
		obj, err := g.str("objective")
		if err != nil {
			return err
		}
		if obj == "min" {
			return g.errorf("objective", "min (lower scores win) cannot be carried over: SkillArena ranks higher scores first")
		}
		if obj != "" && obj != "max" {
			return g.errorf("objective", "%q is not min or max", obj)
		}
	}
	return nil
}

var limitKeys = []string{
	"time_limit", "time_multiplier", "time_safety_margin", "time_multipliers", "time_resolution",
	"memory", "output", "code", "compilation_time", "compilation_memory",
	"validation_time", "validation_memory", "validation_output", "validation_passes",
}

// readLimits reads limits, each value a positive number where given.
func readLimits(f fields) (limits, error) {
	var l limits
	lf, _, err := f.sub("limits")
	if err != nil {
		return l, err
	}
	if u := lf.unknown(limitKeys...); len(u) > 0 {
		return l, lf.errorf(strings.TrimPrefix(u[0], lf.prefix), "unknown limit (known: %s)", strings.Join(limitKeys, ", "))
	}
	for _, v := range []struct {
		key string
		to  *float64
	}{
		{"time_limit", &l.timeLimit}, {"time_multiplier", &l.timeMultiplier}, {"time_safety_margin", &l.safetyMargin},
		{"time_resolution", &l.timeResolution}, {"memory", &l.memoryMiB}, {"output", &l.outputMiB}, {"code", &l.codeKiB},
		{"compilation_time", &l.compileS}, {"compilation_memory", &l.compileMiB},
		{"validation_time", &l.validationS}, {"validation_memory", &l.validationMiB},
	} {
		x, _, err := lf.positive(v.key)
		if err != nil {
			return l, err
		}
		*v.to = x
	}
	tm, _, err := lf.sub("time_multipliers")
	if err != nil {
		return l, err
	}
	if u := tm.unknown("ac_to_time_limit", "time_limit_to_tle"); len(u) > 0 {
		return l, tm.errorf(strings.TrimPrefix(u[0], tm.prefix), "unknown (known: ac_to_time_limit, time_limit_to_tle)")
	}
	for _, v := range []struct {
		key string
		to  *float64
	}{{"ac_to_time_limit", &l.acToTimeLimit}, {"time_limit_to_tle", &l.timeLimitToTLE}} {
		x, ok, err := tm.num(v.key)
		if err != nil {
			return l, err
		}
		if ok && (x < 1 || math.IsInf(x, 0)) {
			return l, tm.errorf(v.key, "must be a number of at least 1, got %v", x)
		}
		*v.to = x
	}
	for _, key := range []string{"time_multiplier", "time_safety_margin"} {
		if x, ok, _ := lf.num(key); ok && x < 1 {
			return l, lf.errorf(key, "must be at least 1, got %v", x)
		}
	}
	return l, nil
}

// timeLimitMS decides the time limit, in the order: the --time-ms option,
// limits.time_limit, the .timelimit file, domjudge-problem.ini, the slowest
// accepted submission's time (Options.SlowestAcceptedMS) under the format's
// multipliers, else DefaultTimeMS with a warning.
func (im *importer) timeLimitMS(l limits) (int64, error) {
	switch {
	case im.opts.TimeMS > 0:
		return im.opts.TimeMS, nil
	case l.timeLimit > 0:
		return secondsToMS(l.timeLimit), nil
	}
	if s, ok, err := im.timelimitFile(); err != nil || ok {
		return secondsToMS(s), err
	}
	if b, err := os.ReadFile(filepath.Join(im.src, "domjudge-problem.ini")); err == nil {
		if m := iniTimeRE.FindSubmatch(b); m != nil {
			if v, err := strconv.ParseFloat(string(m[1]), 64); err == nil && v > 0 {
				return secondsToMS(v), nil
			}
		}
		return 0, fmt.Errorf("domjudge-problem.ini: timelimit: missing or not a positive number of seconds")
	}
	if im.opts.SlowestAcceptedMS > 0 {
		return derivedTimeLimitMS(im.problem.modern, l, im.opts.SlowestAcceptedMS), nil
	}
	rule := fmt.Sprintf("the slowest accepted submission's time × time_multiplier (%g), rounded to whole seconds", orDefault(l.timeMultiplier, legacyTimeMultiplier))
	if im.problem.modern {
		rule = fmt.Sprintf("the slowest accepted submission's time × ac_to_time_limit (%g), rounded up to a multiple of time_resolution (%g s)",
			orDefault(l.acToTimeLimit, modernACToTimeLimit), orDefault(l.timeResolution, modernTimeResolution))
	}
	im.warn("no time limit in the package (limits.time_limit, .timelimit, domjudge-problem.ini): the format derives it from %s, which the importer cannot measure; using %d ms (import again with --time-ms)", rule, DefaultTimeMS)
	return DefaultTimeMS, nil
}

// timelimitFile reads .timelimit: the time limit in seconds that judging
// tools store in the package root.
func (im *importer) timelimitFile() (float64, bool, error) {
	b, err := os.ReadFile(filepath.Join(im.src, ".timelimit"))
	if err != nil {
		return 0, false, nil
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false, fmt.Errorf(".timelimit: %q is not a positive number of seconds", strings.TrimSpace(string(b)))
	}
	return v, true, nil
}

// derivedTimeLimitMS applies the format's rule to the slowest accepted
// run: legacy multiplies by time_multiplier and rounds to the nearest whole
// second (at least 1); 2023-07 multiplies by ac_to_time_limit and rounds up
// to a multiple of time_resolution.
func derivedTimeLimitMS(modern bool, l limits, slowestMS int64) int64 {
	slowest := float64(slowestMS) / 1000
	if modern {
		res := orDefault(l.timeResolution, modernTimeResolution)
		exact := slowest * orDefault(l.acToTimeLimit, modernACToTimeLimit)
		// A tiny epsilon keeps 0.3 × 2 / 0.2 from rounding up to 4 steps.
		steps := math.Ceil(exact/res - 1e-9)
		return secondsToMS(max(steps, 1) * res)
	}
	exact := slowest * orDefault(l.timeMultiplier, legacyTimeMultiplier)
	return secondsToMS(max(math.Floor(exact+0.5), 1))
}

func secondsToMS(s float64) int64 { return int64(math.Ceil(s*1000 - 1e-9)) }

func orDefault(v, def float64) float64 {
	if v > 0 {
		return v
	}
	return def
}

// looseText makes one line of a credit field, whichever shape it has
// (a string, a list, a mapping of lists).
func looseText(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	var parts []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Value != "" {
				parts = append(parts, n.Value)
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.MappingNode:
			for i := 1; i < len(n.Content); i += 2 {
				walk(n.Content[i])
			}
		}
	}
	walk(n)
	return oneLine(strings.Join(parts, ", "))
}
