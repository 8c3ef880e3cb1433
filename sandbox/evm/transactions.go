package evm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Transaction is one entry of a `transactions` submission: a JSON list of
// transactions sent from the player, in order. Either Deploy (init code) or
// To is set.
//
//	[
//	  {"deploy": "0x6080…", "name": "attacker", "constructor": "(address)", "args": ["@bank"]},
//	  {"to": "attacker", "call": "attack()", "value": "1 ether"},
//	  {"to": "bank", "call": "balanceOf(address)", "args": ["@player"]},
//	  {"to": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "data": "0x3ccfd60b", "gas": 200000}
//	]
type Transaction struct {
	// Deploy is contract init code in hex, for a contract creation.
	Deploy string `json:"deploy"`
	// Name lets later transactions refer to the created contract.
	Name string `json:"name"`
	// Constructor lists the constructor's parameter types, "(address)",
	// when Args are given for a deployment.
	Constructor string `json:"constructor"`
	// To is the target: a name ("bank", "@bank") or an 0x address.
	To string `json:"to"`
	// Call is the function signature, "withdraw(uint256)", or a bare name
	// the target's ABI knows.
	Call string `json:"call"`
	// Args are the arguments of Call or of the constructor.
	Args []any `json:"args"`
	// Data is raw calldata in hex, instead of Call.
	Data string `json:"data"`
	// Value is the ether sent: "1 ether", "1000000000000000000" or a number.
	Value any `json:"value"`
	// Gas is the transaction's gas limit, at most the challenge's.
	Gas uint64 `json:"gas"`
}

// txFields is what the format knows, for error messages.
const txFields = "deploy, name, constructor, to, call, args, data, value, gas"

// ParseTransactions reads a `transactions` submission. Every problem is
// reported with the number of the transaction it is in.
func ParseTransactions(data []byte, max int) ([]Transaction, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("the file is not UTF-8 text: submit a JSON list of transactions")
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, errors.New("the file is empty: submit a JSON list of transactions")
	}
	if trimmed[0] != '[' {
		return nil, errors.New("the file is not a JSON list: it must start with [ (a list of transactions)")
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(trimmed, &raws); err != nil {
		return nil, jsonError(trimmed, err)
	}
	if len(raws) == 0 {
		return nil, errors.New("the list has no transactions")
	}
	if len(raws) > max {
		return nil, fmt.Errorf("%d transactions: at most %d are allowed", len(raws), max)
	}
	txs := make([]Transaction, len(raws))
	for i, raw := range raws {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		if err := dec.Decode(&txs[i]); err != nil {
			msg := err.Error()
			if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
				msg = fmt.Sprintf("unknown field %s (fields: %s)", f, txFields)
			} else if strings.HasPrefix(msg, "json: cannot unmarshal") {
				msg = strings.TrimPrefix(msg, "json: ")
			}
			return nil, fmt.Errorf("transaction %d: %s", i+1, msg)
		}
		if err := txs[i].check(); err != nil {
			return nil, fmt.Errorf("transaction %d: %w", i+1, err)
		}
	}
	return txs, nil
}

func (tx Transaction) check() error {
	switch {
	case tx.Deploy != "" && tx.To != "":
		return errors.New("give either deploy (a contract creation) or to (a call), not both")
	case tx.Deploy == "" && tx.To == "":
		return errors.New("give deploy (init code in hex) or to (the target)")
	case tx.Call != "" && tx.Data != "":
		return errors.New("give either call or data, not both")
	case tx.Deploy != "" && (tx.Call != "" || tx.Data != ""):
		return errors.New("a deployment takes constructor and args, not call or data")
	case tx.Name != "" && tx.Deploy == "":
		return errors.New("name is for deployments")
	case tx.Name != "" && !nameRE.MatchString(tx.Name):
		return fmt.Errorf("name %q: use letters, digits and _", tx.Name)
	case len(tx.Args) > 0 && tx.Call == "" && tx.Deploy == "":
		return errors.New("args need call (a function signature)")
	}
	return nil
}

// jsonError turns a JSON syntax error into a message with line and column.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := lineCol(data, int(syn.Offset))
		return fmt.Errorf("the file is not valid JSON: line %d, column %d: %s", line, col, syn.Error())
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("the file must be a JSON list of transaction objects: found a %s where a transaction should be", typ.Value)
	}
	return fmt.Errorf("the file is not valid JSON: %v", err)
}

func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}
