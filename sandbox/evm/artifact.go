package evm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Artifact is a compiled contract as the setup deploys it.
type Artifact struct {
	// Bytecode is the init code, 0x-prefixed hex.
	Bytecode string `json:"bytecode"`
	// Constructor lists the constructor's parameter types: "(address)".
	Constructor string `json:"constructor"`
	// Functions are the ABI's functions with outputs: "balanceOf(address)(uint256)".
	Functions []string `json:"functions"`
}

// abiEntry is one entry of a JSON ABI.
type abiEntry struct {
	Type    string     `json:"type"`
	Name    string     `json:"name"`
	Inputs  []abiParam `json:"inputs"`
	Outputs []abiParam `json:"outputs"`
}

type abiParam struct {
	Type       string     `json:"type"`
	Components []abiParam `json:"components"`
}

func (p abiParam) canonical() string {
	rest, ok := strings.CutPrefix(p.Type, "tuple")
	if !ok {
		return p.Type
	}
	parts := make([]string, len(p.Components))
	for i, c := range p.Components {
		parts[i] = c.canonical()
	}
	return "(" + strings.Join(parts, ",") + ")" + rest
}

func paramList(ps []abiParam) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.canonical()
	}
	return "(" + strings.Join(parts, ",") + ")"
}

// ParseArtifact reads a compiled contract: a Hardhat artifact
// ({"abi", "bytecode": "0x…"}), a Foundry one ({"abi", "bytecode":
// {"object"}}) or solc's standard JSON contract output ({"abi", "evm":
// {"bytecode": {"object"}}}).
func ParseArtifact(data []byte) (Artifact, error) {
	var raw struct {
		ABI      json.RawMessage `json:"abi"`
		Bytecode json.RawMessage `json:"bytecode"`
		EVM      struct {
			Bytecode struct {
				Object string `json:"object"`
			} `json:"bytecode"`
		} `json:"evm"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return Artifact{}, fmt.Errorf("not a JSON artifact: %w", err)
	}
	code := raw.EVM.Bytecode.Object
	if len(raw.Bytecode) > 0 {
		var s string
		var obj struct {
			Object string `json:"object"`
		}
		if err := json.Unmarshal(raw.Bytecode, &s); err == nil {
			code = s
		} else if err := json.Unmarshal(raw.Bytecode, &obj); err == nil {
			code = obj.Object
		}
	}
	if code == "" {
		return Artifact{}, errors.New("no bytecode (want \"bytecode\": \"0x…\", \"bytecode\": {\"object\"} or \"evm\": {\"bytecode\": {\"object\"}})")
	}
	if strings.Contains(code, "__") {
		return Artifact{}, errors.New("the bytecode has unlinked library placeholders (__$…$__): link the libraries first")
	}
	b, err := ParseHex(code)
	if err != nil {
		return Artifact{}, fmt.Errorf("bytecode: %w", err)
	}
	if len(b) == 0 {
		return Artifact{}, errors.New("bytecode is empty (an interface or abstract contract?)")
	}
	a := Artifact{Bytecode: "0x" + strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(code), "0x"), "0X"), Constructor: "()", Functions: []string{}}
	var abi []abiEntry
	if len(raw.ABI) > 0 && !bytes.Equal(raw.ABI, []byte("null")) {
		if err := json.Unmarshal(raw.ABI, &abi); err != nil {
			return Artifact{}, fmt.Errorf("abi: %w", err)
		}
	}
	for _, e := range abi {
		switch e.Type {
		case "constructor":
			a.Constructor = paramList(e.Inputs)
		case "function", "":
			sig := e.Name + paramList(e.Inputs) + paramList(e.Outputs)
			if _, err := ParseFunction(sig); err != nil {
				return Artifact{}, fmt.Errorf("abi: %w", err)
			}
			a.Functions = append(a.Functions, sig)
		}
	}
	if _, err := parseParamTypes(a.Constructor); err != nil {
		return Artifact{}, fmt.Errorf("abi: constructor: %w", err)
	}
	return a, nil
}

// parseParamTypes parses a parenthesised type list: "(address,uint256)";
// an empty string is no parameters.
func parseParamTypes(s string) ([]Type, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return []Type{}, nil
	}
	if !strings.HasPrefix(s, "(") {
		s = "(" + s + ")"
	}
	inner, rest, err := cutGroup(s)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(rest) != "" {
		return nil, fmt.Errorf("unexpected %q after the types", rest)
	}
	return parseParams(inner)
}
