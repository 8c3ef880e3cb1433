package evm

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

func TestParseTypeRoundTrip(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"uint", "uint256"}, {"int8", "int8"}, {"address", "address"}, {"bytes32", "bytes32"},
		{"bytes", "bytes"}, {"string", "string"}, {"uint256[]", "uint256[]"}, {"address[3]", "address[3]"},
		{"(uint256,bool)[]", "(uint256,bool)[]"}, {"(uint256 a, (address, bytes) b)", "(uint256,(address,bytes))"},
		{"uint8[2][]", "uint8[2][]"},
	} {
		got, err := ParseType(tt.in)
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseType(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "uint7", "uint264", "bytes0", "bytes33", "float", "uint256[0]", "(uint256", "uint256]", "int08"} {
		if _, err := ParseType(bad); err == nil {
			t.Errorf("ParseType(%q) accepted", bad)
		}
	}
}

// Encodings checked against the Solidity ABI specification's examples.
func TestEncodeKnownVectors(t *testing.T) {
	mustType := func(s string) Type {
		ty, err := ParseType(s)
		if err != nil {
			t.Fatal(err)
		}
		return ty
	}
	tests := []struct {
		sig    string
		types  []string
		values []any
		want   string
	}{
		// baz(uint32,bool) with (69, true)
		{"baz(uint32,bool)", []string{"uint32", "bool"}, []any{69, true},
			"cdcd77c0" + "0000000000000000000000000000000000000000000000000000000000000045" + "0000000000000000000000000000000000000000000000000000000000000001"},
		// sam(bytes,bool,uint256[]) with ("dave", true, [1,2,3])
		{"sam(bytes,bool,uint256[])", []string{"bytes", "bool", "uint256[]"}, []any{"0x64617665", true, []any{"1", "2", "3"}},
			"a5643bf2" +
				"0000000000000000000000000000000000000000000000000000000000000060" +
				"0000000000000000000000000000000000000000000000000000000000000001" +
				"00000000000000000000000000000000000000000000000000000000000000a0" +
				"0000000000000000000000000000000000000000000000000000000000000004" +
				"6461766500000000000000000000000000000000000000000000000000000000" +
				"0000000000000000000000000000000000000000000000000000000000000003" +
				"0000000000000000000000000000000000000000000000000000000000000001" +
				"0000000000000000000000000000000000000000000000000000000000000002" +
				"0000000000000000000000000000000000000000000000000000000000000003"},
		// transfer(address,uint256): the ERC-20 selector
		{"transfer(address,uint256)", []string{"address", "uint256"}, []any{"0x00000000000000000000000000000000000000aa", "1 gwei"},
			"a9059cbb" + "00000000000000000000000000000000000000000000000000000000000000aa" + "000000000000000000000000000000000000000000000000000000003b9aca00"},
		{"neg(int8)", []string{"int8"}, []any{"-1"}, "" + strings.Repeat("ff", 32)},
	}
	for _, tt := range tests {
		f, err := ParseFunction(tt.sig)
		if err != nil {
			t.Fatal(err)
		}
		var types []Type
		for _, s := range tt.types {
			types = append(types, mustType(s))
		}
		enc, err := Encode(types, tt.values, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.sig, err)
		}
		got := hex.EncodeToString(enc)
		if f.Name != "neg" {
			got = hex.EncodeToString(f.Selector()) + got
		}
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.sig, got, tt.want)
		}
		dec, err := Decode(types, enc)
		if err != nil {
			t.Fatalf("%s: decode: %v", tt.sig, err)
		}
		again, err := Encode(types, toValues(dec), nil)
		if err != nil || !bytes.Equal(again, enc) {
			t.Errorf("%s: decode then encode differs: %v", tt.sig, err)
		}
	}
}

// toValues turns decoded values back into encoder input.
func toValues(vs []any) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		switch x := v.(type) {
		case *big.Int:
			out[i] = x.String()
		case Address:
			out[i] = x.String()
		case []byte:
			out[i] = "0x" + hex.EncodeToString(x)
		case []any:
			out[i] = toValues(x)
		default:
			out[i] = v
		}
	}
	return out
}

func TestEncodeErrors(t *testing.T) {
	names := func(n string) (Address, bool) { return AccountAddress(n), n == "alice" }
	for _, tt := range []struct {
		ty  string
		v   any
		msg string
	}{
		{"uint8", 256, "does not fit uint8"},
		{"uint256", "-1", "does not fit"},
		{"int8", "128", "does not fit int8"},
		{"uint256", 1.5, "not an exact integer"},
		{"uint256", 1e20, "write big numbers as strings"},
		{"uint256", "1.5 wei", "not a whole number"},
		{"uint256", "3 dollars", "unknown unit"},
		{"address", "@bob", "unknown name"},
		{"address", "0x1234", "want 20 bytes"},
		{"address", "alice", "want 0x"},
		{"bool", "yes", "true or false"},
		{"bytes2", "0x010203", "do not fit bytes2"},
		{"uint256[2]", []any{"1"}, "want 2 elements"},
		{"string", 5, "want a string"},
	} {
		ty, err := ParseType(tt.ty)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Encode([]Type{ty}, []any{tt.v}, names); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Encode(%s, %v) = %v, want an error with %q", tt.ty, tt.v, err, tt.msg)
		}
	}
	if _, err := Encode([]Type{{Kind: KindAddress}}, []any{"@alice"}, names); err != nil {
		t.Errorf("@alice: %v", err)
	}
}

func TestDecodeRefusesBadData(t *testing.T) {
	str := []Type{{Kind: KindString}}
	for _, data := range [][]byte{
		nil,
		make([]byte, 31),
		append(bytes.Repeat([]byte{0xff}, 32), make([]byte, 32)...),               // offset past the end
		append(append(make([]byte, 31), 0x20), append(make([]byte, 31), 0xff)...), // length past the end
	} {
		if _, err := Decode(str, data); err == nil {
			t.Errorf("Decode(%x) accepted", data)
		}
	}
}

func TestAmounts(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"", "0"}, {"1000", "1000"}, {"0x3e8", "1000"}, {"1 ether", "1000000000000000000"},
		{"1.5 ether", "1500000000000000000"}, {"20 gwei", "20000000000"}, {"7 wei", "7"},
		{"0.000000000000000001 ether", "1"},
	} {
		n, err := ParseAmount(tt.in)
		if err != nil || n.String() != tt.want {
			t.Errorf("ParseAmount(%q) = %v, %v; want %s", tt.in, n, err, tt.want)
		}
	}
	for _, bad := range []string{"-1", "1.5", "ether", "1 eth", "0xzz", "1e18", "0.0000000000000000001 ether"} {
		if _, err := ParseAmount(bad); err == nil {
			t.Errorf("ParseAmount(%q) accepted", bad)
		}
	}
	if got := FormatEther(big.NewInt(1500000000000000000)); got != "1.5 ether" {
		t.Errorf("FormatEther = %q", got)
	}
}

func TestSignaturesAndAddresses(t *testing.T) {
	f, err := ParseFunction("balanceOf(address owner) returns (uint256)")
	if err != nil || f.String() != "balanceOf(address)(uint256)" || hex.EncodeToString(f.Selector()) != "70a08231" {
		t.Fatalf("balanceOf: %v %v", f, err)
	}
	ev, err := ParseEvent("Transfer(address indexed from, address indexed to, uint256 value)")
	if err != nil || hex.EncodeToString(ev.Topic0()) != "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef" {
		t.Fatalf("Transfer: %v %v", ev, err)
	}
	if _, err := ParseEvent("E(string indexed s)"); err == nil {
		t.Error("an indexed string was accepted")
	}
	// EIP-55 example.
	a, err := ParseAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed")
	if err != nil || a.String() != "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" {
		t.Fatalf("checksum = %s %v", a, err)
	}
	// The first contract a well-known account creates.
	sender, _ := ParseAddress("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
	if got := CreateAddress(sender, 0).String(); got != "0x5FbDB2315678afecb367f032d93F642f64180aa3" {
		t.Fatalf("CreateAddress = %s", got)
	}
	if LanguageForFile("a/Token.SOL") != LangSolidity || LanguageForFile("x.hex") != LangBytecode || LanguageForFile("t.json") != LangTransactions || LanguageForFile("x.py") != "" {
		t.Fatal("LanguageForFile")
	}
}

func TestParseTransactions(t *testing.T) {
	txs, err := ParseTransactions([]byte("\ufeff[{\"deploy\": \"0x00\", \"name\": \"a\"}, {\"to\": \"a\", \"value\": 5}]"), 10)
	if err != nil || len(txs) != 2 || txs[1].Value.(json.Number) != "5" {
		t.Fatalf("%+v %v", txs, err)
	}
	for _, tt := range []struct{ in, msg string }{
		{`[{"deploy": "0x00", "to": "a"}]`, "transaction 1: give either deploy"},
		{`[{}]`, "transaction 1: give deploy"},
		{`[{"to": "a", "call": "f()", "data": "0x"}]`, "either call or data"},
		{`[{"to": "a", "name": "b"}]`, "name is for deployments"},
		{`[{"deploy": "0x00", "name": "1x"}]`, "use letters"},
		{`[{"to": "a", "args": [1]}]`, "args need call"},
		{`[{"to": "a", "gas": -1}]`, "transaction 1: cannot unmarshal"},
		{`[1]`, "transaction 1: cannot unmarshal"},
		{`[]`, "no transactions"},
		{`[{"to": "a"}, {"to": "a"}]`, "2 transactions: at most 1"},
	} {
		max := 10
		if strings.Contains(tt.msg, "at most 1") {
			max = 1
		}
		if _, err := ParseTransactions([]byte(tt.in), max); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ParseTransactions(%s) = %v, want %q", tt.in, err, tt.msg)
		}
	}
}
