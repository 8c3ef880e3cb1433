package evm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/skillarena/arena/internal/message"
	"math/big"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"github.com/skillarena/arena/sandbox/verdict"
)

// Task is what the arena-evm tool reads on stdin: the loaded challenge and
// one submission.
type Task struct {
	Challenge Challenge `json:"challenge"`
	// Points is the challenge's full score.
	Points float64 `json:"points"`
	// Language is one of LangTransactions, LangBytecode, LangSolidity.
	Language string `json:"language"`
	// Submission is the contestant's file: transactions JSON or hex init code.
	Submission []byte `json:"submission,omitempty"`
	// Code is the init code compiled from a Solidity submission.
	Code []byte `json:"code,omitempty"`
}

// Report is what the arena-evm tool writes on stdout.
type Report struct {
	Outcome verdict.Outcome `json:"outcome"`
	Score   float64         `json:"score"`
	Message string          `json:"message,omitempty"`
	// Text is Message as a code and its arguments (internal/message); a
	// report of an older tool has the English alone.
	message.Text
	Tests []verdict.Test `json:"tests"`
	// Error is set when grading could not be done (a broken package, a
	// bug): the grade is then a system error.
	Error string `json:"error,omitempty"`
}

// Msg is one transaction to execute.
type Msg struct {
	From  Address
	To    *Address // nil: contract creation
	Data  []byte
	Value *big.Int
	Gas   uint64
}

// Status is how an executed transaction ended.
type Status string

// Statuses of a Receipt.
const (
	StatusSuccess  Status = "success"
	StatusReverted Status = "reverted"   // the REVERT opcode
	StatusOutOfGas Status = "out_of_gas" // ran out of gas
	StatusFailed   Status = "failed"     // another exceptional halt: invalid opcode, stack error, bad jump, code too large
)

// Log is an event a transaction emitted.
type Log struct {
	Address Address
	Topics  [][]byte
	Data    []byte
}

// Receipt is what executing a transaction did.
type Receipt struct {
	Status  Status
	GasUsed uint64
	// Return is the return data, or the revert data.
	Return []byte
	Logs   []Log
	// Created is the new contract's address for a creation.
	Created *Address
	// Err is the EVM's error for a failed transaction.
	Err string
}

// Chain is the in-memory blockchain Run drives: go-ethereum's in the
// sandbox (sandbox/evm/chain), anything in tests.
type Chain interface {
	// Fund sets the balance of an externally owned account.
	Fund(a Address, wei *big.Int)
	// Apply executes m as the only transaction of a new block. An error
	// means the transaction is not valid at all and could not be
	// included (intrinsic gas above its gas limit, value above the
	// balance, init code too large); the state is then unchanged.
	Apply(m Msg) (Receipt, error)
	// Balance returns the ether balance of a.
	Balance(a Address) *big.Int
}

// NewChain makes an empty chain.
type NewChain func(chainID uint64) (Chain, error)

// Run grades one submission. It never panics: a failure of the platform
// (a broken package, a bug) comes back in Report.Error.
func Run(ctx context.Context, t Task, newChain NewChain) (rep Report) {
	defer func() {
		if p := recover(); p != nil {
			rep = Report{Error: fmt.Sprintf("panic: %v\n%s", p, debug.Stack()), Tests: []verdict.Test{}}
		}
	}()
	g := &grading{ch: &t.Challenge, newChain: newChain, task: t}
	var err error
	if t.Challenge.Exploit() {
		rep, err = g.exploit(ctx)
	} else {
		rep, err = g.suite(ctx)
	}
	if err != nil {
		return Report{Error: err.Error(), Tests: []verdict.Test{}}
	}
	if rep.Tests == nil {
		rep.Tests = []verdict.Test{}
	}
	return rep
}

// invalid is a submission that cannot be graded as given.
type invalid struct{ text message.Text }

func (e invalid) Error() string { return e.text.String() }

// invalidSays is invalid with the message code and args.
func invalidSays(code string, args ...any) error { return invalid{message.New(code, args...)} }

// saidError is an error said as a message code: a contestant's
// transaction that cannot be built, or a package step (whose error goes to
// the jury; unlike invalid, it does not by itself refuse a submission).
type saidError struct{ text message.Text }

func (e saidError) Error() string { return e.text.String() }

func says(code string, args ...any) error { return saidError{message.New(code, args...)} }

// inField is err said as a problem of the transaction's field.
func inField(field string, err error) error {
	return saidError{message.Wrap("evm.field", textOf(err), field)}
}

// say sets the report's message.
func (r *Report) say(t message.Text) { r.Message, r.Text = t.String(), t }

type grading struct {
	ch       *Challenge
	task     Task
	newChain NewChain
}

// world is one chain with the names the steps use.
type world struct {
	ch    *Challenge
	chain Chain
	names map[string]Address
	// accounts are the externally owned accounts' names.
	accounts map[string]bool
	// labels name known addresses in messages.
	labels map[Address]string
	// funcs are the ABI functions of the setup's contracts.
	funcs map[Address][]Function
}

// newWorld makes a chain with the accounts funded and the setup run.
func (g *grading) newWorld() (*world, error) {
	c, err := g.newChain(g.ch.Spec.ChainID)
	if err != nil {
		return nil, fmt.Errorf("make the chain: %w", err)
	}
	w := &world{ch: g.ch, chain: c, names: map[string]Address{}, accounts: map[string]bool{},
		labels: map[Address]string{}, funcs: map[Address][]Function{}}
	for _, name := range g.ch.Spec.accountNames() {
		a := g.ch.Spec.Accounts[name]
		addr, err := ParseAddress(a.Address)
		if err != nil {
			return nil, fmt.Errorf("account %s: %w", name, err)
		}
		wei, err := a.wei()
		if err != nil {
			return nil, fmt.Errorf("account %s: %w", name, err)
		}
		c.Fund(addr, wei)
		w.name(name, addr)
		w.accounts[name] = true
	}
	for i, s := range g.ch.Spec.Setup {
		m, _, err := w.stepMsg(s, "", g.ch.Spec.Gas.Tx)
		if err != nil {
			return nil, fmt.Errorf("setup step %d: %w", i+1, err)
		}
		rec, err := c.Apply(m)
		if err != nil {
			return nil, fmt.Errorf("setup step %d: transaction not valid: %w", i+1, err)
		}
		if rec.Status != StatusSuccess {
			return nil, fmt.Errorf("setup step %d (%s): %s", i+1, w.describe(s), w.failure(rec, m.Gas).String())
		}
		if out, msg := w.check(s, m, rec, nil); out != verdict.Accepted {
			return nil, fmt.Errorf("setup step %d (%s): %s", i+1, w.describe(s), msg)
		}
		if s.Deploy != "" {
			w.name(s.Name, *rec.Created)
			for _, sig := range g.ch.Artifacts[s.Deploy].Functions {
				f, err := ParseFunction(sig)
				if err != nil {
					return nil, fmt.Errorf("setup step %d: artifact %s: %w", i+1, s.Deploy, err)
				}
				w.funcs[*rec.Created] = append(w.funcs[*rec.Created], f)
			}
		}
	}
	return w, nil
}

func (w *world) name(name string, a Address) {
	w.names[name] = a
	if _, ok := w.labels[a]; !ok {
		w.labels[a] = name
	}
}

func (w *world) resolve(name string) (Address, bool) {
	a, ok := w.names[name]
	return a, ok
}

func (w *world) knownNames() string {
	names := make([]string, 0, len(w.names))
	for n := range w.names {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// target resolves "bank", "@bank" or an 0x address.
func (w *world) target(s string) (Address, error) {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return ParseAddress(s)
	}
	name := strings.TrimPrefix(s, "@")
	if a, ok := w.names[name]; ok {
		return a, nil
	}
	return Address{}, says("evm.unknown_name", strconv.Quote(s), w.knownNames())
}

func (w *world) account(name string) (Address, error) {
	if !w.accounts[name] {
		return Address{}, says("evm.not_account", strconv.Quote(name))
	}
	return w.names[name], nil
}

// function resolves a signature, or a bare name through the target's ABI.
func (w *world) function(to Address, call string) (Function, error) {
	if strings.Contains(call, "(") {
		f, err := ParseFunction(call)
		if err != nil || f.HasOutputs {
			return f, err
		}
		// Take the outputs from the ABI when it has the function.
		for _, g := range w.funcs[to] {
			if g.Signature() == f.Signature() {
				return g, nil
			}
		}
		return f, nil
	}
	var found []Function
	for _, f := range w.funcs[to] {
		if f.Name == call {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		if _, ok := w.funcs[to]; !ok {
			return Function{}, says("evm.call_signature", strconv.Quote(call), call)
		}
		return Function{}, says("evm.call_unknown", strconv.Quote(call))
	}
	sigs := make([]string, len(found))
	for i, f := range found {
		sigs[i] = f.Signature()
	}
	return Function{}, says("evm.call_overloaded", strconv.Quote(call), strings.Join(sigs, ", "))
}

// stepMsg builds the transaction of a package step; defaultTo is the
// target when the step names none.
func (w *world) stepMsg(s Step, defaultTo string, gas uint64) (Msg, *Function, error) {
	from := s.From
	if from == "" {
		from = Deployer
	}
	sender, err := w.account(from)
	if err != nil {
		return Msg{}, nil, fmt.Errorf("from: %w", err)
	}
	m := Msg{From: sender, Gas: gas}
	if s.Gas > 0 && s.Gas < gas {
		m.Gas = s.Gas
	}
	if m.Value, err = ParseAmount(s.Value); err != nil {
		return Msg{}, nil, fmt.Errorf("value: %w", err)
	}
	if s.Deploy != "" {
		art, ok := w.ch.Artifacts[s.Deploy]
		if !ok {
			return Msg{}, nil, fmt.Errorf("deploy: artifact %s not loaded", s.Deploy)
		}
		if m.Data, err = initCode(art.Bytecode, art.Constructor, s.Args, w.resolve); err != nil {
			return Msg{}, nil, fmt.Errorf("deploy %s: %w", s.Deploy, err)
		}
		return m, nil, nil
	}
	to := s.To
	if to == "" {
		to = defaultTo
	}
	if to == "" {
		return Msg{}, nil, errors.New("to: no target")
	}
	addr, err := w.target(to)
	if err != nil {
		return Msg{}, nil, fmt.Errorf("to: %w", err)
	}
	m.To = &addr
	var fn *Function
	switch {
	case s.Call != "":
		f, err := w.function(addr, s.Call)
		if err != nil {
			return Msg{}, nil, err
		}
		fn = &f
		args, err := Encode(f.Inputs, s.Args, w.resolve)
		if err != nil {
			return Msg{}, nil, fmt.Errorf("args of %s: %w", f.Signature(), err)
		}
		m.Data = append(f.Selector(), args...)
	case s.Data != "":
		if m.Data, err = ParseHex(s.Data); err != nil {
			return Msg{}, nil, fmt.Errorf("data: %w", err)
		}
	}
	return m, fn, nil
}

// initCode is code followed by the ABI-encoded constructor arguments.
func initCode(code, ctor string, args []any, names Resolver) ([]byte, error) {
	b, err := ParseHex(code)
	if err != nil {
		return nil, fmt.Errorf("bytecode: %w", err)
	}
	if len(b) == 0 {
		return nil, errors.New("bytecode is empty")
	}
	types, err := parseParamTypes(ctor)
	if err != nil {
		return nil, fmt.Errorf("constructor: %w", err)
	}
	enc, err := Encode(types, args, names)
	if err != nil {
		return nil, fmt.Errorf("constructor args: %w", err)
	}
	return append(b, enc...), nil
}

// describe labels a step in messages: "bank.deposit()", "deploy bank".
func (w *world) describe(s Step) string {
	if s.Name != "" && s.Deploy == "" {
		return s.Name
	}
	if s.Deploy != "" {
		return "deploy " + s.Name
	}
	to := strings.TrimPrefix(s.To, "@")
	if to == "" {
		to = w.ch.Spec.Deploy.Name
	}
	switch {
	case s.Call != "":
		name, _, _ := strings.Cut(s.Call, "(")
		return to + "." + name + "()"
	case s.Data != "":
		return to + " with data"
	}
	return "send to " + to
}

// failure explains a transaction that did not succeed.
func (w *world) failure(rec Receipt, gas uint64) message.Text {
	switch rec.Status {
	case StatusOutOfGas:
		return message.New("evm.out_of_gas", groupDigits(gas))
	case StatusReverted:
		if r := RevertReason(rec.Return); r != "" {
			return message.New("evm.reverted_with", r)
		}
		return message.New("evm.reverted")
	}
	return message.New("evm.failed", rec.Err)
}

// outcomeOf maps a failed transaction to an outcome: running out of gas is
// the EVM's time limit, any other failure a runtime error.
func outcomeOf(rec Receipt) verdict.Outcome {
	switch rec.Status {
	case StatusSuccess:
		return verdict.Accepted
	case StatusOutOfGas:
		return verdict.TimeLimit
	}
	return verdict.RuntimeError
}

// RevertReason decodes revert data: Error(string) gives the reason,
// Panic(uint256) the panic code, anything else its selector.
func RevertReason(data []byte) string {
	if len(data) < 4 {
		if len(data) > 0 {
			return "0x" + fmt.Sprintf("%x", data)
		}
		return ""
	}
	switch {
	case bytes.Equal(data[:4], errorSelector):
		if v, err := Decode([]Type{{Kind: KindString}}, data[4:]); err == nil {
			return fmt.Sprintf("%q", v[0])
		}
	case bytes.Equal(data[:4], panicSelector):
		if v, err := Decode([]Type{{Kind: KindUint, Size: 256}}, data[4:]); err == nil {
			return fmt.Sprintf("Panic(0x%x)%s", v[0], panicMeaning[v[0].(*big.Int).Int64()])
		}
	}
	return fmt.Sprintf("custom error 0x%x", data[:4])
}

var (
	errorSelector = Keccak256([]byte("Error(string)"))[:4]
	panicSelector = Keccak256([]byte("Panic(uint256)"))[:4]
	panicMeaning  = map[int64]string{
		0x01: ": assertion failed", 0x11: ": arithmetic overflow or underflow", 0x12: ": division by zero",
		0x21: ": bad enum value", 0x31: ": pop on an empty array", 0x32: ": array index out of bounds",
		0x41: ": out of memory", 0x51: ": call to an uninitialised function",
	}
)

// check compares what a step did with what it expects.
func (w *world) check(s Step, m Msg, rec Receipt, fn *Function) (verdict.Outcome, message.Text) {
	wantRevert := s.Reverts || s.Reason != "" || s.Error != ""
	var gasNote message.Text
	if s.MaxGas > 0 && rec.GasUsed > s.MaxGas {
		gasNote = message.New("evm.gas_ceiling", groupDigits(rec.GasUsed), groupDigits(s.MaxGas))
	}
	if rec.Status == StatusOutOfGas {
		return verdict.TimeLimit, w.failure(rec, m.Gas)
	}
	if wantRevert {
		if rec.Status == StatusSuccess {
			return verdict.WrongAnswer, message.New("evm.expected_revert")
		}
		if s.Reason != "" {
			want := append(bytes.Clone(errorSelector), mustEncodeString(s.Reason)...)
			if !bytes.Equal(rec.Return, want) {
				return verdict.WrongAnswer, message.Wrap("evm.expected_reason", w.failure(rec, m.Gas), strconv.Quote(s.Reason))
			}
		}
		if s.Error != "" {
			f, err := ParseFunction(s.Error)
			if err != nil {
				return verdict.SystemError, message.Plain("error: " + err.Error())
			}
			if len(rec.Return) < 4 || !bytes.Equal(rec.Return[:4], f.Selector()) {
				return verdict.WrongAnswer, message.Wrap("evm.expected_error", w.failure(rec, m.Gas), f.Signature())
			}
		}
		if !gasNote.IsZero() {
			return verdict.TimeLimit, gasNote
		}
		return verdict.Accepted, message.Text{}
	}
	if rec.Status != StatusSuccess {
		return outcomeOf(rec), w.failure(rec, m.Gas)
	}
	if s.Returns != nil {
		if fn == nil || !fn.HasOutputs {
			return verdict.SystemError, message.Plain("returns needs the call's output types")
		}
		want, err := Encode(fn.Outputs, s.Returns, w.resolve)
		if err != nil {
			return verdict.SystemError, message.Plain("returns: " + err.Error())
		}
		if !bytes.Equal(rec.Return, want) {
			return verdict.WrongAnswer, message.New("evm.returned", w.showReturn(fn.Outputs, rec.Return), w.showReturn(fn.Outputs, want))
		}
	}
	if len(s.Events) > 0 {
		if msg := w.checkEvents(s, m, rec); !msg.IsZero() {
			return verdict.WrongAnswer, msg
		}
	}
	for _, name := range sortedKeys(s.Balances) {
		addr, err := w.target(name)
		if err != nil {
			return verdict.SystemError, message.Plain("balances: " + err.Error())
		}
		want, err := ParseAmount(s.Balances[name])
		if err != nil {
			return verdict.SystemError, message.Plain("balances: " + err.Error())
		}
		if got := w.chain.Balance(addr); got.Cmp(want) != 0 {
			return verdict.WrongAnswer, message.New("evm.balance", name, FormatEther(got), FormatEther(want))
		}
	}
	if !gasNote.IsZero() {
		return verdict.TimeLimit, gasNote
	}
	return verdict.Accepted, message.Text{}
}

func mustEncodeString(s string) []byte {
	b, _ := Encode([]Type{{Kind: KindString}}, []any{s}, nil)
	return b
}

func (w *world) showReturn(types []Type, data []byte) string {
	v, err := Decode(types, data)
	if err != nil {
		if len(data) > 64 {
			return fmt.Sprintf("0x%x… (%d bytes)", data[:64], len(data))
		}
		return fmt.Sprintf("0x%x", data)
	}
	return w.relabel(FormatValues(v))
}

// relabel replaces known addresses in a message with their names.
func (w *world) relabel(s string) string {
	for a, name := range w.labels {
		s = strings.ReplaceAll(s, a.String(), "@"+name)
	}
	return s
}

func (w *world) checkEvents(s Step, m Msg, rec Receipt) message.Text {
	next := 0
	for i, e := range s.Events {
		ev, err := ParseEvent(e.Event)
		if err != nil {
			return message.Plain("events: " + err.Error())
		}
		emitter := m.To
		if rec.Created != nil {
			emitter = rec.Created
		}
		if e.From != "" {
			a, err := w.target(e.From)
			if err != nil {
				return message.Plain(fmt.Sprintf("event %d: from: %v", i+1, err))
			}
			emitter = &a
		}
		topics, data, err := ev.EncodeLog(e.Args, w.resolve)
		if err != nil {
			return message.Plain(fmt.Sprintf("event %d (%s): %v", i+1, ev.Name, err))
		}
		found := -1
		for j := next; j < len(rec.Logs) && found < 0; j++ {
			l := rec.Logs[j]
			if emitter != nil && l.Address != *emitter || len(l.Topics) != len(topics) || !bytes.Equal(l.Data, data) {
				continue
			}
			same := true
			for k := range topics {
				same = same && bytes.Equal(l.Topics[k], topics[k])
			}
			if same {
				found = j
			}
		}
		if found < 0 {
			return message.Wrap("evm.expected_event", w.describeLogs(ev, rec.Logs[next:]), ev.Name+w.relabel(formatArgs(e.Args)))
		}
		next = found + 1
	}
	return message.Text{}
}

func formatArgs(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = fmt.Sprint(a)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// describeLogs says what was emitted instead, for the event's signature.
func (w *world) describeLogs(ev Event, logs []Log) message.Text {
	var seen []string
	for _, l := range logs {
		if len(l.Topics) == 0 || !bytes.Equal(l.Topics[0], ev.Topic0()) {
			continue
		}
		var vals []any
		di := 0
		var dataTypes []Type
		for i, t := range ev.Inputs {
			if !ev.Indexed[i] {
				dataTypes = append(dataTypes, t)
			}
		}
		data, err := Decode(dataTypes, l.Data)
		ti := 1
		for i, t := range ev.Inputs {
			switch {
			case ev.Indexed[i] && ti < len(l.Topics):
				v, derr := Decode([]Type{t}, l.Topics[ti])
				ti++
				if derr == nil {
					vals = append(vals, v[0])
				} else {
					vals = append(vals, "?")
				}
			case !ev.Indexed[i] && err == nil && di < len(data):
				vals = append(vals, data[di])
				di++
			default:
				vals = append(vals, "?")
			}
		}
		seen = append(seen, ev.Name+w.relabel(FormatValues(vals)))
	}
	if len(seen) == 0 {
		return message.New("evm.no_event", ev.Name)
	}
	if len(seen) > 3 {
		seen = append(seen[:3], "…")
	}
	return message.New("evm.got_events", strings.Join(seen, ", "))
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// groupDigits writes 1234567 as 1,234,567.
func groupDigits(n uint64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// submittedCode is the contestant's init code: compiled Solidity, or the
// hex file of a bytecode submission.
func (g *grading) submittedCode() ([]byte, error) {
	if g.task.Language == LangSolidity {
		if len(g.task.Code) == 0 {
			return nil, invalidSays("evm.compiled_no_bytecode", g.ch.Spec.Contract)
		}
		return g.task.Code, nil
	}
	text := strings.TrimSpace(string(g.task.Submission))
	if text == "" {
		return nil, invalidSays("evm.bytecode_file_empty")
	}
	code, err := ParseHex(strings.Join(strings.Fields(text), ""))
	if err != nil {
		return nil, invalidSays("evm.not_bytecode", err)
	}
	if len(code) == 0 {
		return nil, invalidSays("evm.bytecode_empty")
	}
	return code, nil
}

// deploySubmission deploys the contestant's contract as Spec.Deploy says.
func (g *grading) deploySubmission(w *world, code []byte, gas uint64) (Msg, Receipt, error) {
	d := g.ch.Spec.Deploy
	from, err := w.account(d.From)
	if err != nil {
		return Msg{}, Receipt{}, fmt.Errorf("deploy.from: %w", err)
	}
	m := Msg{From: from, Gas: gas}
	if d.Gas > 0 && d.Gas < gas {
		m.Gas = d.Gas
	}
	if m.Value, err = ParseAmount(d.Value); err != nil {
		return Msg{}, Receipt{}, fmt.Errorf("deploy.value: %w", err)
	}
	types, err := parseParamTypes(d.Constructor)
	if err != nil {
		return Msg{}, Receipt{}, fmt.Errorf("deploy.constructor: %w", err)
	}
	args, err := Encode(types, d.Args, w.resolve)
	if err != nil {
		return Msg{}, Receipt{}, fmt.Errorf("deploy.args: %w", err)
	}
	m.Data = append(bytes.Clone(code), args...)
	rec, err := w.chain.Apply(m)
	if err != nil {
		return m, rec, invalidSays("evm.cannot_deploy", err)
	}
	if rec.Created != nil && rec.Status == StatusSuccess {
		w.name(d.Name, *rec.Created)
	}
	return m, rec, nil
}

// exploit runs the contestant's transactions, then the win checks.
func (g *grading) exploit(ctx context.Context) (Report, error) {
	w, err := g.newWorld()
	if err != nil {
		return Report{}, err
	}
	spec := g.ch.Spec
	rep := Report{}
	firstFailure := verdict.Outcome("")
	budget := spec.Gas.Total
	note := func(t verdict.Test) {
		rep.Tests = append(rep.Tests, t)
		if t.Outcome != verdict.Accepted && firstFailure == "" {
			firstFailure = t.Outcome
		}
	}
	switch g.task.Language {
	case LangTransactions:
		txs, err := ParseTransactions(g.task.Submission, spec.MaxTransactions)
		if err != nil {
			return invalidReport(textOf(err)), nil
		}
		player, err := w.account(Player)
		if err != nil {
			return Report{}, err
		}
		for i, tx := range txs {
			if err := ctx.Err(); err != nil {
				return Report{}, err
			}
			label := fmt.Sprintf("tx %d: %s", i+1, w.describeTx(tx))
			m, err := w.txMsg(tx, player, spec.Gas.Tx)
			if err != nil {
				return invalidReport(message.Wrap("evm.transaction", textOf(err), i+1)), nil
			}
			if tx.Gas > spec.Gas.Tx {
				return invalidReport(message.New("evm.tx_gas_limit", i+1, groupDigits(tx.Gas), groupDigits(spec.Gas.Tx))), nil
			}
			short := false
			if m.Gas > budget {
				m.Gas, short = budget, true
			}
			rec, err := w.chain.Apply(m)
			if err != nil {
				if short {
					t := verdict.Test{Name: label, Outcome: verdict.TimeLimit}
					t.Say(message.New("evm.total_gas_used", groupDigits(spec.Gas.Total)))
					note(t)
					for j := i + 1; j < len(txs); j++ {
						rep.Tests = append(rep.Tests, verdict.Test{Name: fmt.Sprintf("tx %d: %s", j+1, w.describeTx(txs[j])), Outcome: verdict.Skipped})
					}
					break
				}
				return invalidReport(message.New("evm.tx_not_valid", i+1, w.describeTx(tx), err)), nil
			}
			budget -= min(budget, rec.GasUsed)
			t := verdict.Test{Name: label, Outcome: outcomeOf(rec)}
			if rec.Status == StatusSuccess {
				t.Say(message.New("evm.tx_ok", groupDigits(rec.GasUsed)))
				if tx.Deploy != "" && rec.Created != nil {
					t.Say(message.New("evm.deployed", rec.Created, groupDigits(rec.GasUsed)))
					if tx.Name != "" {
						w.name(tx.Name, *rec.Created)
					}
				}
			} else {
				t.Say(w.failure(rec, m.Gas))
				if short && rec.Status == StatusOutOfGas {
					t.Say(message.New("evm.total_gas_out", groupDigits(spec.Gas.Total)))
				}
			}
			note(t)
		}
	case LangBytecode, LangSolidity:
		code, err := g.submittedCode()
		if err != nil {
			return invalidReport(textOf(err)), nil
		}
		m, rec, err := g.deploySubmission(w, code, min(spec.Gas.Tx, budget))
		if err != nil {
			var inv invalid
			if errors.As(err, &inv) {
				return invalidReport(inv.text), nil
			}
			return Report{}, err
		}
		t := verdict.Test{Name: "deploy " + spec.Deploy.Name, Outcome: outcomeOf(rec)}
		if rec.Status == StatusSuccess {
			t.Say(message.New("evm.deployed", rec.Created, groupDigits(rec.GasUsed)))
		} else {
			t.Say(w.failure(rec, m.Gas))
		}
		note(t)
	default:
		return invalidReport(message.New("evm.language", strconv.Quote(g.task.Language))), nil
	}

	solved := true
	var why message.Text
	for i, s := range spec.Win {
		name := "win: " + w.describe(s)
		m, fn, err := w.stepMsg(s, "", spec.Gas.Tx)
		if err != nil {
			return Report{}, fmt.Errorf("win check %d: %w", i+1, err)
		}
		t := verdict.Test{Name: name, Outcome: verdict.Accepted}
		t.Say(message.New("evm.solved"))
		rec, err := w.chain.Apply(m)
		if err != nil {
			t.Outcome = verdict.WrongAnswer
			t.Say(message.New("evm.check_not_run", err))
		} else if out, msg := w.check(s, m, rec, fn); out == verdict.SystemError {
			return Report{}, fmt.Errorf("win check %d: %s", i+1, msg)
		} else if out != verdict.Accepted {
			t.Outcome = verdict.WrongAnswer
			t.Say(msg)
		}
		if t.Outcome != verdict.Accepted {
			if solved {
				why = message.Wrap("evm.win_failed", t.Text, strings.TrimPrefix(name, "win: "))
			}
			solved = false
		}
		rep.Tests = append(rep.Tests, t)
	}
	if solved {
		rep.Outcome, rep.Score = verdict.Accepted, g.task.Points
		rep.say(message.New("evm.solved"))
		return rep, nil
	}
	rep.Outcome = verdict.WrongAnswer
	if firstFailure != "" {
		rep.Outcome = firstFailure
	}
	rep.say(message.Wrap("evm.not_solved", why))
	return rep, nil
}

func invalidReport(t message.Text) Report {
	rep := Report{Outcome: verdict.InvalidSubmission, Tests: []verdict.Test{}}
	rep.say(t)
	return rep
}

// textOf is err as a message: its code where it has one.
func textOf(err error) message.Text {
	var inv invalid
	var said saidError
	switch {
	case errors.As(err, &inv):
		return inv.text
	case errors.As(err, &said):
		return said.text
	}
	return message.Plain(err.Error())
}

// describeTx labels a contestant's transaction in results.
func (w *world) describeTx(tx Transaction) string {
	if tx.Deploy != "" {
		if tx.Name != "" {
			return "deploy " + tx.Name
		}
		return "deploy"
	}
	to := strings.TrimPrefix(tx.To, "@")
	if a, err := ParseAddress(tx.To); err == nil {
		if n, ok := w.labels[a]; ok {
			to = n
		} else if len(tx.To) > 10 {
			to = tx.To[:10] + "…"
		}
	}
	if tx.Call != "" {
		name, _, _ := strings.Cut(tx.Call, "(")
		if len(name) > 40 {
			name = name[:40] + "…"
		}
		return to + "." + name + "()"
	}
	if tx.Data != "" {
		return to + " with data"
	}
	return "send to " + to
}

// txMsg builds a contestant's transaction, sent from the player.
func (w *world) txMsg(tx Transaction, player Address, gas uint64) (Msg, error) {
	m := Msg{From: player, Gas: gas}
	if tx.Gas > 0 && tx.Gas < gas {
		m.Gas = tx.Gas
	}
	var err error
	switch v := tx.Value.(type) {
	case nil:
		m.Value = new(big.Int)
	case string:
		m.Value, err = ParseAmount(v)
	default:
		m.Value, err = ParseInt(v)
		if err == nil && m.Value.Sign() < 0 {
			err = errors.New("negative")
		}
	}
	if err != nil {
		return Msg{}, inField("value", err)
	}
	if tx.Deploy != "" {
		if tx.Name != "" {
			if _, taken := w.names[tx.Name]; taken {
				return Msg{}, says("evm.name_taken", strconv.Quote(tx.Name), w.knownNames())
			}
		}
		if m.Data, err = initCode(tx.Deploy, tx.Constructor, tx.Args, w.resolve); err != nil {
			return Msg{}, inField("deploy", err)
		}
		return m, nil
	}
	addr, err := w.target(tx.To)
	if err != nil {
		return Msg{}, inField("to", err)
	}
	m.To = &addr
	switch {
	case tx.Call != "":
		f, err := w.function(addr, tx.Call)
		if err != nil {
			return Msg{}, err
		}
		args, err := Encode(f.Inputs, tx.Args, w.resolve)
		if err != nil {
			return Msg{}, inField("args of "+f.Signature(), err)
		}
		m.Data = append(f.Selector(), args...)
	case tx.Data != "":
		if m.Data, err = ParseHex(tx.Data); err != nil {
			return Msg{}, inField("data", err)
		}
	}
	return m, nil
}

// suite runs every hidden test on a fresh chain with the contestant's
// contract deployed.
func (g *grading) suite(ctx context.Context) (Report, error) {
	if g.task.Language == LangTransactions {
		return invalidReport(message.New("evm.takes_contract")), nil
	}
	code, err := g.submittedCode()
	if err != nil {
		var inv invalid
		if errors.As(err, &inv) {
			return invalidReport(inv.text), nil
		}
		return Report{}, err
	}
	rep := Report{}
	var firstFailure verdict.Test
	total := 0.0
	for _, tc := range g.ch.Tests {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		t, err := g.runTest(tc, code)
		if err != nil {
			var inv invalid
			if errors.As(err, &inv) {
				return invalidReport(inv.text), nil
			}
			return Report{}, fmt.Errorf("test %q: %w", tc.Name, err)
		}
		if t.Outcome == verdict.Accepted {
			total += t.Score
		} else if firstFailure.Outcome == "" {
			firstFailure = t
		}
		rep.Tests = append(rep.Tests, t)
	}
	rep.Score = total
	passed := 0
	for _, t := range rep.Tests {
		if t.Outcome == verdict.Accepted {
			passed++
		}
	}
	switch {
	case firstFailure.Outcome == "":
		rep.Outcome = verdict.Accepted
	case total > 0:
		rep.Outcome = verdict.Scored
	default:
		rep.Outcome = firstFailure.Outcome
	}
	rep.say(message.New("evm.tests_passed", passed, len(rep.Tests)))
	if firstFailure.Outcome != "" {
		why := firstFailure.Text
		if why.IsZero() {
			why = message.Plain(firstFailure.Message)
		}
		rep.say(message.Wrap("evm.tests_passed_first_failed", why, passed, len(rep.Tests), firstFailure.Name))
	}
	return rep, nil
}

// runTest runs one hidden test.
func (g *grading) runTest(tc Test, code []byte) (verdict.Test, error) {
	spec := g.ch.Spec
	t := verdict.Test{Name: tc.Name, MaxScore: tc.Points}
	w, err := g.newWorld()
	if err != nil {
		return t, err
	}
	budget := spec.Gas.Total
	m, rec, err := g.deploySubmission(w, code, min(spec.Gas.Tx, budget))
	if err != nil {
		return t, err
	}
	if rec.Status != StatusSuccess {
		g.fail(&t, outcomeOf(rec), 0, "", w.failure(rec, m.Gas))
		return t, nil
	}
	budget -= min(budget, rec.GasUsed)
	for i, s := range tc.Steps {
		label := fmt.Sprintf("step %d (%s)", i+1, w.describe(s))
		fail := func(out verdict.Outcome, why message.Text) { g.fail(&t, out, i+1, w.describe(s), why) }
		m, fn, err := w.stepMsg(s, spec.Deploy.Name, min(spec.Gas.Tx, budget))
		if err != nil {
			return t, fmt.Errorf("%s: %w", label, err)
		}
		rec, err := w.chain.Apply(m)
		if err != nil {
			if m.Gas < spec.Gas.Tx && m.Gas == budget {
				fail(verdict.TimeLimit, message.New("evm.test_gas_out", groupDigits(spec.Gas.Total)))
				return t, nil
			}
			fail(verdict.RuntimeError, message.New("evm.tx_invalid", err))
			return t, nil
		}
		budget -= min(budget, rec.GasUsed)
		out, msg := w.check(s, m, rec, fn)
		if out == verdict.SystemError {
			return t, fmt.Errorf("%s: %s", label, msg)
		}
		if out != verdict.Accepted {
			fail(out, msg)
			return t, nil
		}
	}
	t.Outcome, t.Score = verdict.Accepted, tc.Points
	return t, nil
}

// hiddenFailure is what a failed hidden test tells the contestant when the
// package does not show details: the kind of failure, nothing the contract
// could have encoded hidden arguments in.
func hiddenFailure(out verdict.Outcome) message.Text {
	switch out {
	case verdict.WrongAnswer:
		return message.New("evm.hidden_wrong")
	case verdict.RuntimeError:
		return message.New("evm.hidden_runtime")
	case verdict.TimeLimit:
		return message.New("evm.hidden_gas")
	}
	return message.New("evm.hidden_failed")
}

// fail records a failed hidden test at step (0: deploying the
// contestant's contract, described as what): the whole explanation for
// the jury, and for the contestant too only when the package shows details.
func (g *grading) fail(t *verdict.Test, out verdict.Outcome, step int, what string, why message.Text) {
	if !g.ch.Spec.ShowDetails {
		t.Detail = failedAt(step, what, why).String()
		why = hiddenFailure(out)
	}
	t.Outcome = out
	t.Say(failedAt(step, what, why))
	if g.ch.Spec.ShowDetails {
		t.Detail = t.Message
	}
}

// failedAt says why, at step (0: deploying the contestant's contract).
func failedAt(step int, what string, why message.Text) message.Text {
	if step == 0 {
		return message.Wrap("evm.at_deploy", why)
	}
	return message.Wrap("evm.at_step", why, step, what)
}
