package kattis

import (
	"fmt"
	"math"

	"github.com/skillarena/arena/challenges"
)

// scoringGroups turns the data/secret tree of a scoring problem into
// SkillArena groups. A group of the format scores the aggregate (sum, avg,
// min, max) of its test cases' and subgroups' scores, each test case
// accept_score when accepted (or the validator's score.txt) and
// reject_score when not. SkillArena's groups are flat, each worth points ×
// the lowest (min) or mean (sum) test score, and add up: so a sum group
// becomes its subgroups side by side, a min group one all-or-nothing group
// over every test below it, an avg group a sum group. What has no such
// form is an error naming the testdata.yaml. The points are then scaled to
// Options.Points, keeping each group's share of the package's total.
func (im *importer) scoringGroups(secret *node) ([]outGroup, error) {
	groups, full, err := im.scoreNode(secret, false)
	if err != nil {
		return nil, err
	}
	if full <= 0 {
		return nil, fmt.Errorf("%s: the secret tests are worth no points (accept_score 0?)", where(secret))
	}
	scale(groups, full, im.opts.Points)
	return groups, nil
}

// scoreNode returns the groups equal to node n and what n is worth at most.
// forgiven says an enclosing group accepts despite rejected items.
func (im *importer) scoreNode(n *node, forgiven bool) ([]outGroup, float64, error) {
	s := n.set
	forgiven = forgiven || s.forgiving
	if err := checkScores(n); err != nil {
		return nil, 0, err
	}
	switch {
	case n.items() == 0:
		return nil, 0, nil
	case n.items() == 1 && len(n.children) == 1:
		// One item: every aggregate is that item's score.
		groups, full, err := im.scoreNode(n.children[0], forgiven)
		if err == nil && full > s.rangeHi {
			err = fmt.Errorf("%s: range: its top %v caps what %s is worth (%v), which SkillArena cannot express", where(n), s.rangeHi, n.children[0].dir, full)
		}
		return groups, full, err
	case n.items() == 1 || s.scoreMode == "min":
		full, err := im.minFull(n)
		if err != nil {
			return nil, 0, err
		}
		return []outGroup{{Name: n.group, Points: full, Tests: n.allTests(), Scoring: challenges.ScoringMin}}, full, nil
	case s.scoreMode == "avg":
		if len(n.children) > 0 {
			return nil, 0, fmt.Errorf("%s: grader_flags: avg over subgroups cannot be expressed: SkillArena averages tests within one group", where(n))
		}
		im.warnPartial(n, forgiven)
		full, err := im.capped(n, im.perTest(n), true)
		return []outGroup{{Name: n.group, Points: full, Tests: n.tests, Scoring: challenges.ScoringSum}}, full, err
	case s.scoreMode == "max":
		return nil, 0, fmt.Errorf("%s: grader_flags: max (the best item counts) cannot be expressed: SkillArena groups add up by sum or min", where(n))
	}
	im.warnPartial(n, forgiven)
	var groups []outGroup
	var full float64
	if len(n.tests) > 0 {
		own := im.perTest(n) * float64(len(n.tests))
		groups = append(groups, outGroup{Name: n.group, Points: own, Tests: n.tests, Scoring: challenges.ScoringSum})
		full += own
	}
	for _, c := range n.children {
		g, f, err := im.scoreNode(c, forgiven)
		if err != nil {
			return nil, 0, err
		}
		groups = append(groups, g...)
		full += f
	}
	f, err := im.capped(n, full, true)
	return groups, f, err
}

// minFull is what a min group is worth: the least of its items' worth.
// Every group below it must itself be all or nothing.
func (im *importer) minFull(n *node) (float64, error) {
	if err := checkScores(n); err != nil {
		return 0, err
	}
	full := math.Inf(1)
	if len(n.tests) > 0 {
		full = im.perTest(n)
	}
	for _, c := range n.children {
		if c.items() > 1 && c.set.scoreMode != "min" {
			return 0, fmt.Errorf("%s: grader_flags: %s inside the min group %s cannot be expressed: SkillArena groups do not nest", where(c), c.set.scoreMode, n.dir)
		}
		f, err := im.minFull(c)
		if err != nil {
			return 0, err
		}
		full = math.Min(full, f)
	}
	if math.IsInf(full, 1) {
		return 0, nil
	}
	f, err := im.capped(n, full, false)
	return f, err
}

// capped applies the top of a group's range: exact for an all-or-nothing
// group, an error for one that scores in steps.
func (im *importer) capped(n *node, full float64, steps bool) (float64, error) {
	if full <= n.set.rangeHi {
		return full, nil
	}
	if steps {
		return 0, fmt.Errorf("%s: range: its top %v caps a group worth %v that scores test by test, which SkillArena cannot express", where(n), n.set.rangeHi, full)
	}
	return n.set.rangeHi, nil
}

// checkScores refuses what gives points to rejected tests.
func checkScores(n *node) error {
	s := n.set
	switch {
	case s.rejectScore != 0 && len(n.tests) > 0:
		return fmt.Errorf("%s: reject_score: %v gives points to rejected tests, which SkillArena cannot express (a failed test scores 0)", where(n), s.rejectScore)
	case s.acceptScore < 0:
		return fmt.Errorf("%s: accept_score: must not be negative, got %v", where(n), s.acceptScore)
	case s.rangeLo > 0:
		return fmt.Errorf("%s: range: a lowest score of %v gives points to a rejected group, which SkillArena cannot express", where(n), s.rangeLo)
	}
	return nil
}

// perTest is what one test case of n is worth at most: accept_score, or
// with a validator that writes score.txt, the top of the range shared by
// the group's tests when there is one.
func (im *importer) perTest(n *node) float64 {
	v := n.set.acceptScore
	if im.customScore && !math.IsInf(n.set.rangeHi, 1) {
		v = n.set.rangeHi
		if n.set.scoreMode == "sum" && len(n.children) == 0 && len(n.tests) > 0 {
			v /= float64(len(n.tests))
		}
	}
	im.testMax[v] = append(im.testMax[v], n.dir)
	return v
}

// warnPartial says where SkillArena gives points the format would not: a
// group that scores item by item keeps the points of the items that pass,
// while the format stops at the first rejection (on_reject: break) and
// rejects the whole group unless it or an enclosing group accepts anyway.
func (im *importer) warnPartial(n *node, forgiven bool) {
	if n.items() < 2 {
		return
	}
	if n.set.breakOnFail {
		im.warn("%s: on_reject: break stops at the first rejected item; SkillArena scores every item of group %s", where(n), n.group)
	}
	if !forgiven {
		im.warn("%s: without accept_if_any_accepted (here or above) one rejected item rejects the submission with no score; SkillArena keeps the points of the items that pass", where(n))
	}
}

// where names the testdata.yaml that governs n.
func where(n *node) string {
	if n.set.file == "" {
		return n.dir + " (no testdata.yaml: the defaults)"
	}
	if n.set.file != n.dir+"/testdata.yaml" {
		return n.dir + " (by " + n.set.file + ")"
	}
	return n.set.file
}

// scale multiplies the groups' points so they add up to total, rounded to
// 1e-6 with the rounding left on the largest group so the sum is exact.
func scale(groups []outGroup, full, total float64) {
	if len(groups) == 0 {
		return
	}
	largest := 0
	var sum float64
	for i := range groups {
		groups[i].Points = math.Round(groups[i].Points*total/full*1e6) / 1e6
		if groups[i].Points > groups[largest].Points {
			largest = i
		}
	}
	for i := range groups {
		if i != largest {
			sum += groups[i].Points
		}
	}
	groups[largest].Points = math.Round((total-sum)*1e6) / 1e6
}
