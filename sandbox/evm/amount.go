package evm

import (
	"fmt"
	"math/big"
	"strings"
)

// units are the ether denominations amounts may carry.
var units = map[string]int{"wei": 0, "gwei": 9, "ether": 18}

// ParseAmount reads a non-negative amount of wei: "1000", "0x3e8",
// "1.5 ether", "20 gwei". An empty string is zero.
func ParseAmount(s string) (*big.Int, error) {
	n, err := ParseAmountSigned(s)
	if err != nil {
		return nil, err
	}
	if n.Sign() < 0 {
		return nil, fmt.Errorf("amount %q is negative", s)
	}
	return n, nil
}

// ParseAmountSigned is ParseAmount that also takes negative numbers, for
// intN arguments.
func ParseAmountSigned(s string) (*big.Int, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return new(big.Int), nil
	}
	if len(s) > 100 {
		return nil, fmt.Errorf("number %.20q… is too long", s)
	}
	neg := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, rest
	}
	num, unit, hasUnit := strings.Cut(s, " ")
	exp := 0
	if hasUnit {
		e, ok := units[strings.ToLower(strings.TrimSpace(unit))]
		if !ok {
			return nil, fmt.Errorf("amount %q: unknown unit %q (use wei, gwei or ether)", orig, strings.TrimSpace(unit))
		}
		exp = e
	}
	var n *big.Int
	if hex, ok := strings.CutPrefix(strings.ToLower(num), "0x"); ok && !hasUnit {
		v, ok := new(big.Int).SetString(hex, 16)
		if !ok || hex == "" {
			return nil, fmt.Errorf("number %q: bad hex", orig)
		}
		n = v
	} else {
		whole, frac, _ := strings.Cut(num, ".")
		if len(frac) > exp {
			return nil, fmt.Errorf("number %q is not a whole number of wei", orig)
		}
		digits := whole + frac + strings.Repeat("0", exp-len(frac))
		if whole == "" || !allDigits(whole) || !allDigits(frac) {
			return nil, fmt.Errorf("%q is not a number (write 1000, 0x3e8 or 1.5 ether)", orig)
		}
		v, ok := new(big.Int).SetString(digits, 10)
		if !ok {
			return nil, fmt.Errorf("%q is not a number", orig)
		}
		n = v
	}
	if neg {
		n.Neg(n)
	}
	return n, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// FormatEther renders wei as ether for messages: "1.5 ether", "0 ether".
func FormatEther(wei *big.Int) string {
	if wei == nil {
		return "0 ether"
	}
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(18), nil)
	q, r := new(big.Int).QuoRem(new(big.Int).Abs(wei), unit, new(big.Int))
	s := q.String()
	if r.Sign() != 0 {
		frac := fmt.Sprintf("%018s", r.String())
		s += "." + strings.TrimRight(frac, "0")
	}
	if wei.Sign() < 0 {
		s = "-" + s
	}
	return s + " ether"
}
