package evm

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/skillarena/arena/internal/message"
	"strconv"
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
		return nil, invalidSays("evm.txs_not_utf8")
	}
	trimmed := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(trimmed) == 0 {
		return nil, invalidSays("evm.txs_empty")
	}
	if trimmed[0] != '[' {
		return nil, invalidSays("evm.txs_not_list")
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(trimmed, &raws); err != nil {
		return nil, jsonError(trimmed, err)
	}
	if len(raws) == 0 {
		return nil, invalidSays("evm.txs_none")
	}
	if len(raws) > max {
		return nil, invalidSays("evm.txs_too_many", len(raws), max)
	}
	txs := make([]Transaction, len(raws))
	for i, raw := range raws {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		if err := dec.Decode(&txs[i]); err != nil {
			msg := err.Error()
			why := message.Plain(msg)
			if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
				why = message.New("evm.tx_unknown_field", f, txFields)
			} else if strings.HasPrefix(msg, "json: cannot unmarshal") {
				why = message.Plain(strings.TrimPrefix(msg, "json: "))
			}
			return nil, invalid{message.Wrap("evm.transaction", why, i+1)}
		}
		if err := txs[i].check(); err != nil {
			return nil, invalid{message.Wrap("evm.transaction", textOf(err), i+1)}
		}
	}
	return txs, nil
}

func (tx Transaction) check() error {
	switch {
	case tx.Deploy != "" && tx.To != "":
		return invalidSays("evm.tx_deploy_and_to")
	case tx.Deploy == "" && tx.To == "":
		return invalidSays("evm.tx_no_target")
	case tx.Call != "" && tx.Data != "":
		return invalidSays("evm.tx_call_and_data")
	case tx.Deploy != "" && (tx.Call != "" || tx.Data != ""):
		return invalidSays("evm.tx_deploy_call")
	case tx.Name != "" && tx.Deploy == "":
		return invalidSays("evm.tx_name")
	case tx.Name != "" && !nameRE.MatchString(tx.Name):
		return invalidSays("evm.tx_bad_name", strconv.Quote(tx.Name))
	case len(tx.Args) > 0 && tx.Call == "" && tx.Deploy == "":
		return invalidSays("evm.tx_args")
	}
	return nil
}

// jsonError turns a JSON syntax error into a message with line and column.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := lineCol(data, int(syn.Offset))
		return invalidSays("evm.txs_json_at", line, col, syn.Error())
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return invalidSays("evm.txs_not_objects", typ.Value)
	}
	return invalidSays("evm.txs_json", err)
}

func lineCol(data []byte, off int) (int, int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - bytes.LastIndexByte(before, '\n')
	return line, col
}
