package evm

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/crypto/keccak"
)

// Kind is the family of an ABI type.
type Kind int

// Kinds of ABI types.
const (
	KindUint Kind = iota + 1
	KindInt
	KindAddress
	KindBool
	KindFixedBytes // bytes1..bytes32
	KindBytes
	KindString
	KindSlice // T[]
	KindArray // T[k]
	KindTuple // (T1,T2,...)
)

// Type is a Solidity ABI type.
type Type struct {
	Kind Kind
	// Size is the bit width of uint/int, the byte width of bytesN and the
	// length of T[k].
	Size   int
	Elem   *Type  // element of T[] and T[k]
	Fields []Type // members of a tuple
}

// maxNesting bounds how deep types and values may nest.
const maxNesting = 16

// ParseType parses a canonical or Solidity-style type: uint256, int8,
// address, bool, bytes32, bytes, string, uint256[], address[3],
// (uint256,bool)[]. "uint" and "int" mean uint256 and int256.
func ParseType(s string) (Type, error) {
	return parseType(strings.TrimSpace(s), 0)
}

func parseType(s string, depth int) (Type, error) {
	if depth > maxNesting {
		return Type{}, fmt.Errorf("type %q nests too deeply", s)
	}
	if s == "" {
		return Type{}, errors.New("empty type")
	}
	if strings.HasSuffix(s, "]") {
		open := strings.LastIndexByte(s, '[')
		if open < 0 {
			return Type{}, fmt.Errorf("type %q: unmatched ]", s)
		}
		elem, err := parseType(s[:open], depth+1)
		if err != nil {
			return Type{}, err
		}
		n := s[open+1 : len(s)-1]
		if n == "" {
			return Type{Kind: KindSlice, Elem: &elem}, nil
		}
		k, err := strconv.Atoi(n)
		if err != nil || k <= 0 || k > 1<<16 {
			return Type{}, fmt.Errorf("type %q: array length %q is not in 1..65536", s, n)
		}
		return Type{Kind: KindArray, Size: k, Elem: &elem}, nil
	}
	if strings.HasPrefix(s, "(") {
		if !strings.HasSuffix(s, ")") {
			return Type{}, fmt.Errorf("type %q: unmatched (", s)
		}
		parts, err := splitTop(s[1 : len(s)-1])
		if err != nil {
			return Type{}, fmt.Errorf("type %q: %w", s, err)
		}
		t := Type{Kind: KindTuple, Fields: []Type{}}
		for _, p := range parts {
			f, err := parseType(firstWord(p), depth+1)
			if err != nil {
				return Type{}, err
			}
			t.Fields = append(t.Fields, f)
		}
		return t, nil
	}
	switch s {
	case "address":
		return Type{Kind: KindAddress}, nil
	case "bool":
		return Type{Kind: KindBool}, nil
	case "string":
		return Type{Kind: KindString}, nil
	case "bytes":
		return Type{Kind: KindBytes}, nil
	case "uint":
		return Type{Kind: KindUint, Size: 256}, nil
	case "int":
		return Type{Kind: KindInt, Size: 256}, nil
	}
	for _, p := range []struct {
		prefix string
		kind   Kind
	}{{"uint", KindUint}, {"int", KindInt}, {"bytes", KindFixedBytes}} {
		rest, ok := strings.CutPrefix(s, p.prefix)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || rest != strconv.Itoa(n) {
			break
		}
		if p.kind == KindFixedBytes {
			if n < 1 || n > 32 {
				return Type{}, fmt.Errorf("type %q: bytesN needs N in 1..32", s)
			}
		} else if n < 8 || n > 256 || n%8 != 0 {
			return Type{}, fmt.Errorf("type %q: the bit width must be a multiple of 8 in 8..256", s)
		}
		return Type{Kind: p.kind, Size: n}, nil
	}
	return Type{}, fmt.Errorf("unknown type %q", s)
}

// String is the canonical spelling used in selectors.
func (t Type) String() string {
	switch t.Kind {
	case KindUint:
		return "uint" + strconv.Itoa(t.Size)
	case KindInt:
		return "int" + strconv.Itoa(t.Size)
	case KindAddress:
		return "address"
	case KindBool:
		return "bool"
	case KindFixedBytes:
		return "bytes" + strconv.Itoa(t.Size)
	case KindBytes:
		return "bytes"
	case KindString:
		return "string"
	case KindSlice:
		return t.Elem.String() + "[]"
	case KindArray:
		return t.Elem.String() + "[" + strconv.Itoa(t.Size) + "]"
	case KindTuple:
		return TypeList(t.Fields)
	}
	return "?"
}

// TypeList is the canonical spelling of a parameter list: "(uint256,bool)".
func TypeList(ts []Type) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.String()
	}
	return "(" + strings.Join(names, ",") + ")"
}

// dynamic reports whether the type is encoded out of place.
func (t Type) dynamic() bool {
	switch t.Kind {
	case KindBytes, KindString, KindSlice:
		return true
	case KindArray:
		return t.Elem.dynamic()
	case KindTuple:
		for _, f := range t.Fields {
			if f.dynamic() {
				return true
			}
		}
	}
	return false
}

// headSize is the number of bytes the type takes in the head of a tuple.
func (t Type) headSize() int {
	if t.dynamic() {
		return 32
	}
	switch t.Kind {
	case KindArray:
		return t.Size * t.Elem.headSize()
	case KindTuple:
		n := 0
		for _, f := range t.Fields {
			n += f.headSize()
		}
		return n
	}
	return 32
}

// splitTop splits a comma-separated list at the top nesting level.
func splitTop(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var parts []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
			if depth < 0 {
				return nil, errors.New("unbalanced brackets")
			}
		case ',':
			if depth == 0 {
				parts = append(parts, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, errors.New("unbalanced brackets")
	}
	parts = append(parts, strings.TrimSpace(s[start:]))
	for _, p := range parts {
		if p == "" {
			return nil, errors.New("empty parameter")
		}
	}
	return parts, nil
}

// firstWord drops a parameter's name and modifiers: "address to" → "address".
// A tuple type keeps its brackets: "(uint256,bool)[] xs" → "(uint256,bool)[]".
func firstWord(p string) string {
	depth := 0
	for i, c := range p {
		switch c {
		case '(', '[':
			depth++
		case ')', ']':
			depth--
		case ' ', '\t':
			if depth == 0 {
				return p[:i]
			}
		}
	}
	return p
}

// Function is a function signature: "transfer(address,uint256)(bool)".
type Function struct {
	Name    string
	Inputs  []Type
	Outputs []Type
	// HasOutputs is set when the signature lists its outputs (even none: "f()()").
	HasOutputs bool
}

// ParseFunction parses "name(inputs)" or "name(inputs)(outputs)"; the
// Solidity-style "name(inputs) returns (outputs)" and parameter names
// ("transfer(address to, uint256 amount)") are accepted too.
func ParseFunction(sig string) (Function, error) {
	sig = strings.TrimSpace(sig)
	open := strings.IndexByte(sig, '(')
	if open <= 0 {
		return Function{}, fmt.Errorf("signature %q: want name(types), e.g. transfer(address,uint256)", sig)
	}
	f := Function{Name: strings.TrimSpace(sig[:open])}
	if !identRE(f.Name) {
		return Function{}, fmt.Errorf("signature %q: %q is not a function name", sig, f.Name)
	}
	in, rest, err := cutGroup(sig[open:])
	if err != nil {
		return Function{}, fmt.Errorf("signature %q: %w", sig, err)
	}
	if f.Inputs, err = parseParams(in); err != nil {
		return Function{}, fmt.Errorf("signature %q: %w", sig, err)
	}
	rest = strings.TrimSpace(rest)
	rest = strings.TrimSpace(strings.TrimPrefix(rest, "returns"))
	if rest == "" {
		return f, nil
	}
	out, tail, err := cutGroup(rest)
	if err != nil {
		return Function{}, fmt.Errorf("signature %q: outputs: %w", sig, err)
	}
	if strings.TrimSpace(tail) != "" {
		return Function{}, fmt.Errorf("signature %q: unexpected %q after the outputs", sig, tail)
	}
	if f.Outputs, err = parseParams(out); err != nil {
		return Function{}, fmt.Errorf("signature %q: outputs: %w", sig, err)
	}
	f.HasOutputs = true
	return f, nil
}

// cutGroup splits "(a,b)rest" into "a,b" and "rest".
func cutGroup(s string) (inner, rest string, err error) {
	if !strings.HasPrefix(s, "(") {
		return "", "", fmt.Errorf("want ( at %q", s)
	}
	depth := 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[1:i], s[i+1:], nil
			}
		}
	}
	return "", "", errors.New("unbalanced brackets")
}

func parseParams(s string) ([]Type, error) {
	parts, err := splitTop(s)
	if err != nil {
		return nil, err
	}
	ts := []Type{}
	for _, p := range parts {
		t, err := ParseType(firstWord(p))
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, nil
}

func identRE(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// Signature is the canonical "name(types)" hashed into the selector.
func (f Function) Signature() string { return f.Name + TypeList(f.Inputs) }

// String is the signature with outputs when known: "balanceOf(address)(uint256)".
func (f Function) String() string {
	if !f.HasOutputs {
		return f.Signature()
	}
	return f.Signature() + TypeList(f.Outputs)
}

// Selector is the first four bytes of the signature's Keccak-256 hash.
func (f Function) Selector() []byte { return Keccak256([]byte(f.Signature()))[:4] }

// Keccak256 hashes data with Ethereum's Keccak-256.
func Keccak256(data ...[]byte) []byte {
	h := keccak.NewLegacyKeccak256()
	for _, d := range data {
		h.Write(d)
	}
	return h.Sum(nil)
}

// Event is an event signature: "Transfer(address indexed from, address
// indexed to, uint256 value)".
type Event struct {
	Name    string
	Inputs  []Type
	Indexed []bool
}

// ParseEvent parses an event signature; parameters marked "indexed" go into
// topics, the others into the data.
func ParseEvent(sig string) (Event, error) {
	sig = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(sig), "event "))
	open := strings.IndexByte(sig, '(')
	if open <= 0 {
		return Event{}, fmt.Errorf("event %q: want Name(types), e.g. Transfer(address indexed,address indexed,uint256)", sig)
	}
	e := Event{Name: strings.TrimSpace(sig[:open])}
	if !identRE(e.Name) {
		return Event{}, fmt.Errorf("event %q: %q is not an event name", sig, e.Name)
	}
	in, rest, err := cutGroup(sig[open:])
	if err != nil {
		return Event{}, fmt.Errorf("event %q: %w", sig, err)
	}
	if strings.TrimSpace(rest) != "" {
		return Event{}, fmt.Errorf("event %q: unexpected %q", sig, rest)
	}
	parts, err := splitTop(in)
	if err != nil {
		return Event{}, fmt.Errorf("event %q: %w", sig, err)
	}
	for _, p := range parts {
		t, err := ParseType(firstWord(p))
		if err != nil {
			return Event{}, fmt.Errorf("event %q: %w", sig, err)
		}
		indexed := slicesContains(strings.Fields(p)[1:], "indexed")
		if indexed && (t.dynamic() || t.Kind == KindArray || t.Kind == KindTuple) {
			return Event{}, fmt.Errorf("event %q: indexed %s parameters are hashed; only value types may be indexed here", sig, t)
		}
		e.Inputs = append(e.Inputs, t)
		e.Indexed = append(e.Indexed, indexed)
	}
	if n := countTrue(e.Indexed); n > 3 {
		return Event{}, fmt.Errorf("event %q: %d indexed parameters, at most 3", sig, n)
	}
	return e, nil
}

func slicesContains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// Signature is the canonical "Name(types)" hashed into topic 0.
func (e Event) Signature() string { return e.Name + TypeList(e.Inputs) }

// Topic0 is the Keccak-256 hash of the signature.
func (e Event) Topic0() []byte { return Keccak256([]byte(e.Signature())) }

// EncodeLog returns the topics and data a log of this event with these
// argument values has.
func (e Event) EncodeLog(values []any, names Resolver) (topics [][]byte, data []byte, err error) {
	if len(values) != len(e.Inputs) {
		return nil, nil, fmt.Errorf("event %s takes %d arguments, got %d", e.Signature(), len(e.Inputs), len(values))
	}
	topics = [][]byte{e.Topic0()}
	var dataTypes []Type
	var dataValues []any
	for i, t := range e.Inputs {
		if e.Indexed[i] {
			word, err := Encode([]Type{t}, []any{values[i]}, names)
			if err != nil {
				return nil, nil, fmt.Errorf("argument %d: %w", i+1, err)
			}
			topics = append(topics, word)
			continue
		}
		dataTypes = append(dataTypes, t)
		dataValues = append(dataValues, values[i])
	}
	data, err = Encode(dataTypes, dataValues, names)
	if err != nil {
		return nil, nil, err
	}
	return topics, data, nil
}

// Resolver turns a name ("@alice" → "alice") into an address. It returns
// false for names it does not know.
type Resolver func(name string) (Address, bool)

// Encode ABI-encodes values as a tuple of types. Values come from YAML or
// JSON: numbers as strings ("1000", "0x10", "1.5 ether"), integers or
// json.Number; addresses as "0x…" hex or "@name"; bytes as "0x…" hex;
// arrays and tuples as lists.
func Encode(types []Type, values []any, names Resolver) ([]byte, error) {
	if len(values) != len(types) {
		return nil, fmt.Errorf("want %d values %s, got %d", len(types), TypeList(types), len(values))
	}
	return encodeTuple(types, values, names, 0)
}

func encodeTuple(types []Type, values []any, names Resolver, depth int) ([]byte, error) {
	if depth > maxNesting {
		return nil, errors.New("values nest too deeply")
	}
	headLen := 0
	for _, t := range types {
		headLen += t.headSize()
	}
	var head, tail bytes.Buffer
	for i, t := range types {
		enc, err := encodeValue(t, values[i], names, depth+1)
		if err != nil {
			if len(types) > 1 {
				return nil, fmt.Errorf("value %d (%s): %w", i+1, t, err)
			}
			return nil, err
		}
		if t.dynamic() {
			head.Write(uintWord(uint64(headLen + tail.Len())))
			tail.Write(enc)
		} else {
			head.Write(enc)
		}
	}
	head.Write(tail.Bytes())
	return head.Bytes(), nil
}

func encodeValue(t Type, v any, names Resolver, depth int) ([]byte, error) {
	switch t.Kind {
	case KindUint, KindInt:
		n, err := ParseInt(v)
		if err != nil {
			return nil, err
		}
		return intWord(t, n)
	case KindAddress:
		a, err := parseAddressValue(v, names)
		if err != nil {
			return nil, err
		}
		return leftPad(a[:]), nil
	case KindBool:
		b, err := parseBool(v)
		if err != nil {
			return nil, err
		}
		if b {
			return uintWord(1), nil
		}
		return uintWord(0), nil
	case KindFixedBytes:
		b, err := parseHexValue(v)
		if err != nil {
			return nil, err
		}
		if len(b) > t.Size {
			return nil, fmt.Errorf("%d bytes do not fit %s", len(b), t)
		}
		return rightPad(b), nil
	case KindBytes, KindString:
		var b []byte
		if t.Kind == KindString {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("want a string, got %s", describe(v))
			}
			b = []byte(s)
		} else {
			var err error
			if b, err = parseHexValue(v); err != nil {
				return nil, err
			}
		}
		return append(uintWord(uint64(len(b))), rightPad(b)...), nil
	case KindSlice, KindArray:
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("want a list for %s, got %s", t, describe(v))
		}
		if t.Kind == KindArray && len(list) != t.Size {
			return nil, fmt.Errorf("want %d elements for %s, got %d", t.Size, t, len(list))
		}
		elems := make([]Type, len(list))
		for i := range elems {
			elems[i] = *t.Elem
		}
		enc, err := encodeTuple(elems, list, names, depth)
		if err != nil {
			return nil, err
		}
		if t.Kind == KindSlice {
			return append(uintWord(uint64(len(list))), enc...), nil
		}
		return enc, nil
	case KindTuple:
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("want a list for %s, got %s", t, describe(v))
		}
		if len(list) != len(t.Fields) {
			return nil, fmt.Errorf("want %d members for %s, got %d", len(t.Fields), t, len(list))
		}
		return encodeTuple(t.Fields, list, names, depth)
	}
	return nil, fmt.Errorf("cannot encode type %v", t)
}

func uintWord(n uint64) []byte {
	w := make([]byte, 32)
	new(big.Int).SetUint64(n).FillBytes(w)
	return w
}

var two256 = new(big.Int).Lsh(big.NewInt(1), 256)

// intWord checks n against the type's range and encodes it in two's complement.
func intWord(t Type, n *big.Int) ([]byte, error) {
	lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), uint(t.Size))
	if t.Kind == KindInt {
		hi.Rsh(hi, 1)
		lo.Neg(hi)
	}
	if n.Cmp(lo) < 0 || n.Cmp(hi) >= 0 {
		return nil, fmt.Errorf("%s does not fit %s", n, t)
	}
	v := new(big.Int).Set(n)
	if v.Sign() < 0 {
		v.Add(v, two256)
	}
	w := make([]byte, 32)
	v.FillBytes(w)
	return w, nil
}

func leftPad(b []byte) []byte {
	w := make([]byte, 32)
	copy(w[32-len(b):], b)
	return w
}

func rightPad(b []byte) []byte {
	n := (len(b) + 31) / 32 * 32
	w := make([]byte, n)
	copy(w, b)
	return w
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return fmt.Sprintf("the string %q", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%v", v)
}

// ParseInt reads an integer value: a decimal or 0x-hex string, possibly
// negative, an amount with a unit ("1.5 ether", "20 gwei"), a JSON number
// or a YAML integer. Floats are refused unless whole and exact.
func ParseInt(v any) (*big.Int, error) {
	switch x := v.(type) {
	case string:
		return ParseAmountSigned(x)
	case json.Number:
		return ParseAmountSigned(x.String())
	case int:
		return big.NewInt(int64(x)), nil
	case int64:
		return big.NewInt(x), nil
	case uint64:
		return new(big.Int).SetUint64(x), nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("%v is not an exact integer: write big numbers as strings, e.g. \"1000000000000000000\" or \"1 ether\"", x)
		}
		return big.NewInt(int64(x)), nil
	}
	return nil, fmt.Errorf("want an integer, got %s", describe(v))
}

func parseBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch x {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, fmt.Errorf("want true or false, got %s", describe(v))
}

func parseHexValue(v any) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("want 0x-prefixed hex, got %s", describe(v))
	}
	return ParseHex(s)
}

// ParseHex decodes 0x-prefixed hex (the prefix may be left out); white
// space around it is ignored.
func ParseHex(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(s)%2 == 1 {
		return nil, fmt.Errorf("hex has an odd number of digits (%d)", len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		var inv hex.InvalidByteError
		if errors.As(err, &inv) {
			i := strings.IndexByte(s, byte(inv))
			return nil, fmt.Errorf("hex has a character that is not a hex digit: %q at position %d", rune(inv), i+1)
		}
		return nil, fmt.Errorf("bad hex: %w", err)
	}
	return b, nil
}

func parseAddressValue(v any, names Resolver) (Address, error) {
	s, ok := v.(string)
	if !ok {
		return Address{}, fmt.Errorf("want an address (0x… or @name), got %s", describe(v))
	}
	if name, ok := strings.CutPrefix(s, "@"); ok {
		if names == nil {
			return Address{}, fmt.Errorf("unknown name %q", s)
		}
		a, ok := names(name)
		if !ok {
			return Address{}, fmt.Errorf("unknown name %q", s)
		}
		return a, nil
	}
	return ParseAddress(s)
}

// Decode decodes data as a tuple of types into Go values: *big.Int for
// integers, Address, bool, []byte, string, and []any for arrays and tuples.
func Decode(types []Type, data []byte) ([]any, error) {
	out, err := decodeTuple(types, data, 0)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", TypeList(types), err)
	}
	return out, nil
}

func decodeTuple(types []Type, data []byte, depth int) ([]any, error) {
	if depth > maxNesting {
		return nil, errors.New("nested too deeply")
	}
	out := make([]any, len(types))
	off := 0
	for i, t := range types {
		if t.dynamic() {
			p, err := readOffset(data, off)
			if err != nil {
				return nil, err
			}
			if out[i], err = decodeValue(t, data[p:], depth+1); err != nil {
				return nil, err
			}
		} else {
			if off+t.headSize() > len(data) {
				return nil, errors.New("data too short")
			}
			var err error
			if out[i], err = decodeValue(t, data[off:], depth+1); err != nil {
				return nil, err
			}
		}
		off += t.headSize()
	}
	return out, nil
}

func readOffset(data []byte, at int) (int, error) {
	if at+32 > len(data) {
		return 0, errors.New("data too short")
	}
	n := new(big.Int).SetBytes(data[at : at+32])
	if !n.IsInt64() || n.Int64() > int64(len(data)) {
		return 0, fmt.Errorf("offset or length %s out of range", n)
	}
	return int(n.Int64()), nil
}

func decodeValue(t Type, data []byte, depth int) (any, error) {
	if len(data) < 32 && t.Kind != KindTuple && t.Kind != KindArray {
		return nil, errors.New("data too short")
	}
	switch t.Kind {
	case KindUint:
		return new(big.Int).SetBytes(data[:32]), nil
	case KindInt:
		n := new(big.Int).SetBytes(data[:32])
		if data[0]&0x80 != 0 {
			n.Sub(n, two256)
		}
		return n, nil
	case KindAddress:
		var a Address
		copy(a[:], data[12:32])
		return a, nil
	case KindBool:
		return data[31] == 1, nil
	case KindFixedBytes:
		return bytes.Clone(data[:t.Size]), nil
	case KindBytes, KindString:
		n, err := readOffset(data, 0)
		if err != nil {
			return nil, err
		}
		if 32+n > len(data) {
			return nil, errors.New("data too short")
		}
		if t.Kind == KindString {
			return string(data[32 : 32+n]), nil
		}
		return bytes.Clone(data[32 : 32+n]), nil
	case KindSlice:
		n, err := readOffset(data, 0)
		if err != nil {
			return nil, err
		}
		if n > len(data)/32 {
			return nil, errors.New("array length out of range")
		}
		elems := make([]Type, n)
		for i := range elems {
			elems[i] = *t.Elem
		}
		return decodeTuple(elems, data[32:], depth)
	case KindArray:
		elems := make([]Type, t.Size)
		for i := range elems {
			elems[i] = *t.Elem
		}
		return decodeTuple(elems, data, depth)
	case KindTuple:
		return decodeTuple(t.Fields, data, depth)
	}
	return nil, fmt.Errorf("cannot decode type %v", t)
}

// FormatValues renders decoded values for messages: "(100, true, 0xab…)".
func FormatValues(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = formatValue(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func formatValue(v any) string {
	switch x := v.(type) {
	case *big.Int:
		return x.String()
	case Address:
		return x.String()
	case []byte:
		return "0x" + hex.EncodeToString(x)
	case string:
		return strconv.Quote(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// Address is a 20-byte Ethereum address.
type Address [20]byte

// ParseAddress reads a 0x-prefixed 40-digit hex address.
func ParseAddress(s string) (Address, error) {
	var a Address
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return a, fmt.Errorf("address %q: want 0x and 40 hex digits, or @name", s)
	}
	b, err := ParseHex(s)
	if err != nil {
		return a, fmt.Errorf("address %q: %w", s, err)
	}
	if len(b) != 20 {
		return a, fmt.Errorf("address %q: want 20 bytes, got %d", s, len(b))
	}
	copy(a[:], b)
	return a, nil
}

// String is the EIP-55 mixed-case checksum spelling.
func (a Address) String() string {
	low := hex.EncodeToString(a[:])
	hash := Keccak256([]byte(low))
	out := []byte("0x" + low)
	for i := 0; i < len(low); i++ {
		c := low[i]
		if c >= 'a' && hash[i/2]>>(4*(1-uint(i%2)))&0xf >= 8 {
			out[i+2] = c - 32
		}
	}
	return string(out)
}

// MarshalText writes the checksum spelling.
func (a Address) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads a 0x-prefixed hex address.
func (a *Address) UnmarshalText(b []byte) error {
	p, err := ParseAddress(string(b))
	if err != nil {
		return err
	}
	*a = p
	return nil
}

// AccountAddress is the address of the named account when the package does
// not give one: the last 20 bytes of keccak256("skillarena:" + name).
func AccountAddress(name string) Address {
	var a Address
	copy(a[:], Keccak256([]byte("skillarena:" + name))[12:])
	return a
}

// CreateAddress is the address of the contract that sender creates with the
// given nonce: the last 20 bytes of keccak256(rlp([sender, nonce])).
func CreateAddress(sender Address, nonce uint64) Address {
	var n []byte
	switch {
	case nonce == 0:
		n = []byte{0x80}
	case nonce < 0x80:
		n = []byte{byte(nonce)}
	default:
		b := new(big.Int).SetUint64(nonce).Bytes()
		n = append([]byte{0x80 + byte(len(b))}, b...)
	}
	payload := append([]byte{0x94}, sender[:]...)
	payload = append(payload, n...)
	var a Address
	copy(a[:], Keccak256(append([]byte{0xc0 + byte(len(payload))}, payload...))[12:])
	return a
}
