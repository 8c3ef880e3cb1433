package similarity

import (
	"hash/fnv"
	"slices"
)

// Fingerprint is one hash the winnowing kept: the k-gram of tokens
// starting at token Pos.
type Fingerprint struct {
	Hash uint64
	Pos  int
}

// Options tune the fingerprints and the report; zero fields take the defaults.
type Options struct {
	// K is the k-gram length in tokens (default 12): shorter matches are noise.
	K int
	// W is the winnowing window in k-grams (default 6): a match of at least
	// W+K-1 tokens is always found.
	W int
	// MinScore drops pairs scoring less (default 0.3).
	MinScore float64
	// MaxPairs keeps only the best pairs (default 200).
	MaxPairs int
	// A fingerprint held by more than CommonMin sources of a language
	// (default 10; negative turns the rule off) and by more than
	// CommonShare of them (default 0.5) is common code, left out.
	CommonMin   int
	CommonShare float64
}

func (o Options) withDefaults() Options {
	if o.K <= 0 {
		o.K = 12
	}
	if o.W <= 0 {
		o.W = 6
	}
	if o.MinScore == 0 {
		o.MinScore = 0.3
	}
	if o.MaxPairs <= 0 {
		o.MaxPairs = 200
	}
	if o.CommonMin == 0 {
		o.CommonMin = 10
	}
	if o.CommonShare <= 0 {
		o.CommonShare = 0.5
	}
	return o
}

// kgrams hashes every run of k consecutive tokens.
func kgrams(toks []Token, k int) []uint64 {
	if len(toks) < k {
		if len(toks) == 0 {
			return nil
		}
		k = len(toks) // a very short source is one k-gram
	}
	out := make([]uint64, len(toks)-k+1)
	for i := range out {
		h := fnv.New64a()
		for _, t := range toks[i : i+k] {
			h.Write([]byte(t.Sym))
			h.Write([]byte{0})
		}
		out[i] = h.Sum64()
	}
	return out
}

// Winnow keeps, of every window of w consecutive k-gram hashes, the
// smallest (the rightmost of equal ones), each position once: robust
// winnowing.
func Winnow(hashes []uint64, w int) []Fingerprint {
	if len(hashes) == 0 {
		return nil
	}
	if w > len(hashes) {
		w = len(hashes)
	}
	var out []Fingerprint
	last := -1
	for start := 0; start+w <= len(hashes); start++ {
		m := start
		for j := start + 1; j < start+w; j++ {
			if hashes[j] <= hashes[m] {
				m = j
			}
		}
		if m != last {
			out = append(out, Fingerprint{Hash: hashes[m], Pos: m})
			last = m
		}
	}
	return out
}

// Doc is one source made ready for comparing.
type Doc struct {
	Tokens       []Token
	Fingerprints []Fingerprint
	// byHash holds the positions of each fingerprint, in order.
	byHash map[uint64][]int
	k      int
	// hashes are all the k-gram hashes; shared marks the tokens of the
	// k-grams Shared.Exclude left out (nil for none).
	hashes []uint64
	shared []bool
}

// NewDoc tokenizes and fingerprints a source in lang.
func NewDoc(lang, src string, o Options) *Doc {
	o = o.withDefaults()
	d := &Doc{Tokens: Tokenize(lang, src), byHash: map[uint64][]int{}}
	d.k = min(o.K, len(d.Tokens))
	d.hashes = kgrams(d.Tokens, o.K)
	d.Fingerprints = Winnow(d.hashes, o.W)
	for _, f := range d.Fingerprints {
		d.byHash[f.Hash] = append(d.byHash[f.Hash], f.Pos)
	}
	return d
}

func (d *Doc) isShared(i int) bool { return d.shared != nil && d.shared[i] }

// Lines is a range of lines, first and last, 1-based.
type Lines [2]int

// Fragment is a stretch of code found on both sides.
type Fragment struct {
	A Lines `json:"a_lines"`
	B Lines `json:"b_lines"`
}

// Match is how much two sources share.
type Match struct {
	// Score is the share of the smaller source's distinct fingerprints
	// found in the other, 0 to 1.
	Score float64 `json:"score"`
	// Jaccard is the shared distinct fingerprints over all of both.
	Jaccard   float64    `json:"jaccard"`
	Fragments []Fragment `json:"fragments"`
}

// maxPerHash caps the positions of one fingerprint paired up, so a
// repetitive source does not pair every copy with every other.
const maxPerHash = 4

// Compare scores a against b and finds the fragments they share.
func Compare(a, b *Doc) Match {
	m := score(a, b)
	m.Fragments = fragments(a, b)
	return m
}

// score is Compare without the fragments: cheap enough for every pair.
func score(a, b *Doc) Match {
	m := Match{Fragments: []Fragment{}}
	if len(a.byHash) == 0 || len(b.byHash) == 0 {
		return m
	}
	shared := 0
	for h := range a.byHash {
		if _, ok := b.byHash[h]; ok {
			shared++
		}
	}
	m.Score = float64(shared) / float64(min(len(a.byHash), len(b.byHash)))
	m.Jaccard = float64(shared) / float64(len(a.byHash)+len(b.byHash)-shared)
	return m
}

// fragments chains the positions of the fingerprints a and b share into
// stretches of code, widened to the tokens that match around them.
func fragments(a, b *Doc) []Fragment {
	out := []Fragment{}
	type pair struct{ a, b int }
	var pairs []pair
	for h, pa := range a.byHash {
		pb, ok := b.byHash[h]
		if !ok {
			continue
		}
		for _, x := range pa[:min(len(pa), maxPerHash)] {
			for _, y := range pb[:min(len(pb), maxPerHash)] {
				pairs = append(pairs, pair{x, y})
			}
		}
	}
	// Chain the matched positions into fragments: a run goes on while both
	// sides move forward by at most a k-gram and a window.
	slices.SortFunc(pairs, func(x, y pair) int {
		if x.a != y.a {
			return x.a - y.a
		}
		return x.b - y.b
	})
	gap := 2*max(a.k, b.k) + 1
	type run struct{ a0, b0, a1, b1 int }
	var runs []run
	var open []int // the runs a later pair may still extend
	for _, p := range pairs {
		joined := false
		kept := open[:0]
		for _, i := range open {
			r := &runs[i]
			if p.a-r.a1 > gap {
				continue // closed: the pairs come in order of a
			}
			kept = append(kept, i)
			if !joined && p.a > r.a1 && p.b > r.b1 && p.b-r.b1 <= gap {
				r.a1, r.b1 = p.a, p.b
				joined = true
			}
		}
		open = kept
		if !joined {
			runs = append(runs, run{p.a, p.b, p.a, p.b})
			open = append(open, len(runs)-1)
		}
	}
	// The longest runs first, then by position; runs inside a longer one
	// on both sides are dropped.
	slices.SortStableFunc(runs, func(x, y run) int { return (y.a1 - y.a0) - (x.a1 - x.a0) })
	var kept []run
	for _, r := range runs {
		inside := false
		for _, k := range kept {
			if r.a0 >= k.a0 && r.a1 <= k.a1+a.k && r.b0 >= k.b0 && r.b1 <= k.b1+b.k {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, r)
		}
	}
	slices.SortFunc(kept, func(x, y run) int { return x.a0 - y.a0 })
	for _, r := range kept {
		// Widen each run to the tokens that match around it: winnowing
		// keeps only some k-grams, the fragment is all of the copy.
		a1, b1 := min(r.a1+a.k-1, len(a.Tokens)-1), min(r.b1+b.k-1, len(b.Tokens)-1)
		// It stops at shared code: the template is no part of the copy,
		// nor are the first tokens of a k-gram that starts in it.
		for r.a0 < a1 && r.b0 < b1 && (a.isShared(r.a0) || b.isShared(r.b0)) {
			r.a0, r.b0 = r.a0+1, r.b0+1
		}
		for a1 > r.a0 && b1 > r.b0 && (a.isShared(a1) || b.isShared(b1)) {
			a1, b1 = a1-1, b1-1
		}
		for r.a0 > 0 && r.b0 > 0 && a.Tokens[r.a0-1].Sym == b.Tokens[r.b0-1].Sym && !a.isShared(r.a0-1) && !b.isShared(r.b0-1) {
			r.a0, r.b0 = r.a0-1, r.b0-1
		}
		for a1+1 < len(a.Tokens) && b1+1 < len(b.Tokens) && a.Tokens[a1+1].Sym == b.Tokens[b1+1].Sym && !a.isShared(a1+1) && !b.isShared(b1+1) {
			a1, b1 = a1+1, b1+1
		}
		f := Fragment{A: Lines{a.Tokens[r.a0].Line, a.Tokens[a1].Line}, B: Lines{b.Tokens[r.b0].Line, b.Tokens[b1].Line}}
		if n := len(out); n > 0 && out[n-1] == f {
			continue
		}
		out = append(out, f)
	}
	return out
}
