package kattis

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/skillarena/arena/challenges"
	recipes "github.com/skillarena/arena/deploy/images"
)

// groupFlags returns the output validator flags every test is judged
// with: problem.yaml's validator_flags, then its group's
// output_validator_flags. SkillArena has one checker per challenge, so the
// groups must agree.
func (im *importer) groupFlags(trees []*node) ([]string, error) {
	var first *node
	var flags []string
	var walk func(n *node) error
	walk = func(n *node) error {
		if len(n.tests) > 0 {
			if first == nil {
				first, flags = n, n.set.outputFlags
			} else if strings.Join(n.set.outputFlags, " ") != strings.Join(flags, " ") {
				return fmt.Errorf("%s: output_validator_flags: %q differ from %q of %s: SkillArena judges every test of a challenge with one checker",
					where(n), strings.Join(n.set.outputFlags, " "), strings.Join(flags, " "), first.dir)
			}
		}
		for _, c := range n.children {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, t := range trees {
		if err := walk(t); err != nil {
			return nil, err
		}
	}
	return append(append([]string(nil), im.problem.validatorFlags...), flags...), nil
}

// checker maps the validation: the default validator's flags to a built-in
// checker, a custom output validator to a custom checker with the flags as
// its arguments.
func (im *importer) checker(flags []string) (outChecker, error) {
	dir, custom, err := im.validatorDir()
	if err != nil {
		return outChecker{}, err
	}
	if !custom {
		c, err := defaultValidator(flags, im.warn)
		if err != nil {
			return c, fmt.Errorf("problem.yaml / testdata.yaml: output validator flags: %w", err)
		}
		return c, nil
	}
	c, err := im.customValidator(dir, flags)
	if err != nil {
		return c, err
	}
	im.checkerLimits(&c)
	return c, nil
}

// validatorDir finds the custom output validator: the one program in
// output_validators/ (a directory or a single file), or 2023-07's
// output_validator/. custom is false for the default validator.
func (im *importer) validatorDir() (string, bool, error) {
	if fi, err := os.Stat(filepath.Join(im.src, "output_validator")); err == nil && fi.IsDir() {
		return "output_validator", true, nil
	}
	entries, err := os.ReadDir(filepath.Join(im.src, "output_validators"))
	wantCustom := strings.HasPrefix(im.problem.validation, "custom")
	if err != nil {
		if wantCustom {
			return "", false, fmt.Errorf("problem.yaml: validation: %q needs a validator in output_validators/, which is missing", im.problem.validation)
		}
		return "", false, nil
	}
	if !wantCustom && !im.problem.modern {
		im.warn("output_validators/: not used, as problem.yaml validation is default")
		return "", false, nil
	}
	if len(entries) != 1 {
		return "", false, fmt.Errorf("output_validators/: need exactly one output validator, found %d", len(entries))
	}
	return "output_validators/" + entries[0].Name(), true, nil
}

// customValidator copies the validator into checker/ and names its source.
func (im *importer) customValidator(dir string, flags []string) (outChecker, error) {
	langs, err := recipes.Languages()
	if err != nil {
		return outChecker{}, err
	}
	root := filepath.Join(im.src, filepath.FromSlash(dir))
	var sources []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." { // a single-file program
			rel = filepath.Base(p)
		}
		rel = filepath.ToSlash(rel)
		if rel == "build" || rel == "run" {
			return fmt.Errorf("%s/%s: validators built by their own build/run scripts cannot be carried over: give one source file", dir, rel)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		im.files["checker/"+rel] = data
		if _, ok := recipes.ForFile(langs, p); ok && !strings.Contains(rel, "/") {
			sources = append(sources, rel)
		}
		return nil
	})
	if err != nil {
		return outChecker{}, fmt.Errorf("output validator: %w", err)
	}
	if len(sources) != 1 {
		return outChecker{}, fmt.Errorf("%s: need exactly one source file in a known language at its top, found %v", dir, sources)
	}
	c := outChecker{Type: challenges.CheckCustom, Source: "checker/" + sources[0], Args: flags}
	if im.customScore {
		c.ScoreMax = im.scoreMax()
	}
	return c, nil
}

// scoreMax is the score.txt value worth a whole test: the most a test is
// worth, when every group agrees on it.
func (im *importer) scoreMax() float64 {
	if len(im.testMax) != 1 {
		var worth []string
		for v, dirs := range im.testMax {
			worth = append(worth, fmt.Sprintf("%v in %s", v, strings.Join(dirs, ", ")))
		}
		sort.Strings(worth)
		im.warn("the groups' tests are worth different scores (%s): score.txt is read as a fraction of each test (score_max 1); check program.checker.score_max", strings.Join(worth, "; "))
		return 0
	}
	for v := range im.testMax {
		if v != 1 {
			return v
		}
	}
	return 0
}

// checkerLimits carries validation_time and validation_memory over.
func (im *importer) checkerLimits(c *outChecker) {
	l := im.problem.limits
	if l.validationS > 0 {
		c.TimeMS = im.clamp("limits.validation_time", secondsToMS(l.validationS), 1, 60000, "ms")
	}
	if l.validationMiB > 0 {
		c.MemoryMB = im.clamp("limits.validation_memory", int64(math.Ceil(l.validationMiB)), 16, 8192, "MiB")
	}
}

// defaultValidator maps the default output validator's flags: tokens,
// case-insensitive unless case_sensitive; floats with float_tolerance,
// float_absolute_tolerance, float_relative_tolerance; exact lines with
// space_change_sensitive.
func defaultValidator(flags []string, warn func(string, ...any)) (outChecker, error) {
	c := outChecker{Type: challenges.CheckTokens}
	caseSensitive, space := false, false
	for i := 0; i < len(flags); i++ {
		num := func() (*float64, error) {
			if i+1 >= len(flags) {
				return nil, fmt.Errorf("%s needs a value", flags[i])
			}
			i++
			v, err := strconv.ParseFloat(flags[i], 64)
			if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: %q is not a tolerance (a number of 0 or more)", flags[i-1], flags[i])
			}
			return &v, nil
		}
		var err error
		switch flags[i] {
		case "case_sensitive":
			caseSensitive = true
		case "space_change_sensitive":
			space = true
		case "float_tolerance":
			var v *float64
			v, err = num()
			c.AbsTolerance, c.RelTolerance = v, v
		case "float_absolute_tolerance":
			c.AbsTolerance, err = num()
		case "float_relative_tolerance":
			c.RelTolerance, err = num()
		default:
			err = fmt.Errorf("%q is not a flag of the default validator (case_sensitive, space_change_sensitive, float_tolerance, float_absolute_tolerance, float_relative_tolerance)", flags[i])
		}
		if err != nil {
			return outChecker{}, err
		}
	}
	switch {
	case c.AbsTolerance != nil || c.RelTolerance != nil:
		if tolerance(c.AbsTolerance) == 0 && tolerance(c.RelTolerance) == 0 {
			// The floats checker needs a positive tolerance.
			warn("float tolerances of 0: numbers are compared as text (1.0 and 1.00 differ)")
			c.AbsTolerance, c.RelTolerance = nil, nil
			break
		}
		c.Type = challenges.CheckFloats
		if space {
			warn("space_change_sensitive together with float tolerances: spacing is not checked")
		}
	case space:
		if !caseSensitive {
			warn("space_change_sensitive without case_sensitive: the exact checker compares case too")
		}
		warn("space_change_sensitive: the exact checker ignores spaces at line ends and blank lines at the end")
		return outChecker{Type: challenges.CheckExact}, nil
	}
	if !caseSensitive {
		no := false
		c.CaseSensitive = &no
	}
	return c, nil
}

func tolerance(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
