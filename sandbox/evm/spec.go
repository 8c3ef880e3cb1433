// Package evm describes blockchain challenges that run on an in-memory EVM:
// the `evm:` section of challenge.yaml (Spec), the hidden test suite
// (Suite), the contestant's transactions (Transaction), the job the
// sandboxed arena-evm tool runs (Task) and its answer (Report), the ABI
// codec they share, and the grading logic (Run) over any Chain.
//
// It has no dependency on go-ethereum's EVM, so the package loader and the
// grader use it without pulling the EVM into the arena binary; the chain
// itself (go-ethereum's core/vm) is in sandbox/evm/chain and runs only
// inside the sandbox, in the static arena-evm binary of the evm image.
package evm

import (
	"fmt"
	"math/big"
	"path"
	"regexp"
	"sort"
	"strings"
)

// Languages an evm challenge may accept.
const (
	// LangTransactions is a JSON list of transactions sent from the player.
	LangTransactions = "transactions"
	// LangBytecode is contract init code in hex, deployed as Spec.Deploy says.
	LangBytecode = "bytecode"
	// LangSolidity is Solidity source, compiled with solc in the solidity
	// image; the contract named Spec.Contract is deployed as Spec.Deploy says.
	LangSolidity = "solidity"
)

// Well-known account names: setup steps and checks are sent from Deployer
// unless they say otherwise, the contestant's transactions from Player.
const (
	Deployer = "deployer"
	Player   = "player"
)

// Defaults for a Spec's zero fields.
const (
	DefaultChainID         = 31337
	DefaultTxGas           = 10_000_000
	DefaultTotalGas        = 30_000_000
	MaxTxGas               = 30_000_000
	MaxTotalGas            = 300_000_000
	DefaultMaxTransactions = 64
	DefaultMaxSubmissionKB = 256
	DefaultSuite           = "hidden/suite.yaml"
	DefaultDeployName      = "submission"
	DefaultCompileTimeMS   = 20_000
	DefaultCompileMemoryMB = 1024
	DefaultOptimizerRuns   = 200
)

// Default balances of accounts that do not give one.
const (
	DefaultDeployerBalance = "1000 ether"
	DefaultPlayerBalance   = "10 ether"
	DefaultAccountBalance  = "100 ether"
)

// Spec is the `evm:` section of challenge.yaml.
type Spec struct {
	// ChainID is what the CHAINID opcode returns. Default 31337.
	ChainID uint64 `yaml:"chain_id" json:"chain_id"`
	// Accounts are the externally owned accounts by name. "deployer" and
	// "player" always exist.
	Accounts map[string]Account `yaml:"accounts" json:"accounts"`
	// Setup runs before the contestant's turn: deployments of the
	// package's compiled contracts and calls. Every step must succeed.
	Setup []Step `yaml:"setup" json:"setup"`
	// Win holds the checks made after the contestant's transactions; the
	// challenge is solved when all pass. Present: an exploit challenge.
	Win []Step `yaml:"win" json:"win"`
	// Suite is the hidden test suite file of a contract challenge, used
	// when Win is empty. Default hidden/suite.yaml.
	Suite string `yaml:"suite" json:"suite"`
	// Contract is the name of the contract taken from a Solidity
	// submission. Required when the challenge accepts solidity.
	Contract string `yaml:"contract" json:"contract"`
	// Deploy says how the contestant's contract (bytecode or solidity) is
	// deployed.
	Deploy Deploy `yaml:"deploy" json:"deploy"`
	// Gas bounds the gas of each transaction and of all of them.
	Gas Gas `yaml:"gas" json:"gas"`
	// MaxTransactions caps the transactions a submission may send. Default 64.
	MaxTransactions int `yaml:"max_transactions" json:"max_transactions"`
	// MaxSubmissionKB caps the submitted file. Default 256.
	MaxSubmissionKB int `yaml:"max_submission_kb" json:"max_submission_kb"`
	// Solidity sets how Solidity submissions are compiled.
	Solidity Solidity `yaml:"solidity" json:"solidity"`
	// ShowDetails lets a failed hidden test's message quote what the
	// contract did and what the suite expected (values, revert reasons,
	// gas). Off, the message names the step and the kind of failure only:
	// a contract can put the hidden arguments it receives into a revert
	// reason, a return value, an event or the gas it burns.
	ShowDetails bool `yaml:"show_details" json:"show_details"`
}

// Account is an externally owned account.
type Account struct {
	// Address defaults to AccountAddress(name).
	Address string `yaml:"address" json:"address"`
	// Balance is an amount ("100 ether"). Default: 1000 ether for the
	// deployer, 10 ether for the player, 100 ether for the others.
	Balance string `yaml:"balance" json:"balance"`
}

// Deploy says how the contestant's contract is deployed.
type Deploy struct {
	// Name is how steps refer to the deployed contract ("@submission").
	// Default "submission".
	Name string `yaml:"name" json:"name"`
	// From is the deploying account. Default: the deployer for a suite,
	// the player for an exploit.
	From string `yaml:"from" json:"from"`
	// Value is sent with the deployment. Default none.
	Value string `yaml:"value" json:"value"`
	// Constructor lists the constructor's parameter types: "(uint256,address)".
	Constructor string `yaml:"constructor" json:"constructor"`
	// Args are the constructor's arguments.
	Args []any `yaml:"args" json:"args"`
	// Gas is the deployment's gas limit. Default Gas.Tx.
	Gas uint64 `yaml:"gas" json:"gas"`
}

// Gas bounds what transactions may burn.
type Gas struct {
	// Tx is the gas limit of each transaction unless a step sets less.
	// Default 10,000,000; at most 30,000,000.
	Tx uint64 `yaml:"tx" json:"tx"`
	// Total bounds the gas all of the contestant's transactions use
	// together (exploit) or all steps of one test (suite). Default 30,000,000.
	Total uint64 `yaml:"total" json:"total"`
}

// Solidity sets the compiler for Solidity submissions.
type Solidity struct {
	// Optimize turns the optimizer on. Default true.
	Optimize *bool `yaml:"optimize" json:"optimize"`
	// Runs is the optimizer's runs setting. Default 200.
	Runs int `yaml:"runs" json:"runs"`
	// EVMVersion is solc's evmVersion ("cancun", "prague"). Default: the
	// compiler's own default.
	EVMVersion string `yaml:"evm_version" json:"evm_version"`
	// TimeMS is the compiler's CPU time limit. Default 20000.
	TimeMS int64 `yaml:"time_ms" json:"time_ms"`
	// MemoryMB is the compiler's memory limit. Default 1024.
	MemoryMB int64 `yaml:"memory_mb" json:"memory_mb"`
}

// Step is one transaction of the setup, a check, or a test step, with what
// it must do.
type Step struct {
	// Name labels the step; for a deployment it is the contract's name.
	Name string `yaml:"name" json:"name"`
	// From is the sending account. Default the deployer.
	From string `yaml:"from" json:"from"`
	// Deploy is the package file of a compiled contract to deploy
	// (setup only): a Hardhat, Foundry or solc JSON artifact.
	Deploy string `yaml:"deploy" json:"deploy"`
	// To is the target: a name ("bank", "@bank") or an address. In a test
	// it defaults to the contestant's contract.
	To string `yaml:"to" json:"to"`
	// Call is the function: "transfer(address,uint256)" with outputs
	// "balanceOf(address)(uint256)", or a bare name the target's ABI knows.
	Call string `yaml:"call" json:"call"`
	// Args are the call's or constructor's arguments.
	Args []any `yaml:"args" json:"args"`
	// Data is raw calldata in hex, instead of Call.
	Data string `yaml:"data" json:"data"`
	// Value is the ether sent along ("1 ether").
	Value string `yaml:"value" json:"value"`
	// Gas is the step's gas limit. Default Gas.Tx.
	Gas uint64 `yaml:"gas" json:"gas"`

	// Returns are the expected return values, ABI-encoded with the
	// call's output types and compared byte for byte.
	Returns []any `yaml:"returns" json:"returns"`
	// Reverts expects the call to revert.
	Reverts bool `yaml:"reverts" json:"reverts,omitempty"`
	// Reason expects a revert with this Error(string) reason.
	Reason string `yaml:"reason" json:"reason,omitempty"`
	// Error expects a revert with this custom error: "NotOwner()",
	// "Insufficient(uint256,uint256)"; only the selector is compared.
	Error string `yaml:"error" json:"error,omitempty"`
	// Events must be emitted by the step, in this order (others may come between).
	Events []EventCheck `yaml:"events" json:"events,omitempty"`
	// MaxGas is the step's gas ceiling: using more fails it.
	MaxGas uint64 `yaml:"max_gas" json:"max_gas,omitempty"`
	// Balances are the exact ether balances accounts or contracts must
	// hold after the step.
	Balances map[string]string `yaml:"balances" json:"balances,omitempty"`
}

// EventCheck is an event a step must emit.
type EventCheck struct {
	// Event is the signature, indexed parameters marked:
	// "Transfer(address indexed,address indexed,uint256)".
	Event string `yaml:"event" json:"event"`
	// Args are the expected values of all parameters.
	Args []any `yaml:"args" json:"args"`
	// From is the emitting contract. Default: the step's target.
	From string `yaml:"from" json:"from"`
}

// Suite is the hidden test suite of a contract challenge.
type Suite struct {
	Tests []Test `yaml:"tests" json:"tests"`
}

// Test is one scenario of the suite: a fresh chain, the contestant's
// contract deployed, then the steps in order. It earns its points when
// every step does what it expects.
type Test struct {
	Name   string  `yaml:"name" json:"name"`
	Points float64 `yaml:"points" json:"points"`
	Steps  []Step  `yaml:"steps" json:"steps"`
}

// Challenge is a loaded evm challenge: the spec with defaults applied, the
// compiled contracts its setup deploys, and the hidden suite.
type Challenge struct {
	Spec Spec `json:"spec"`
	// Artifacts are the compiled contracts by package path.
	Artifacts map[string]Artifact `json:"artifacts"`
	// Tests is the hidden suite; empty for an exploit challenge.
	Tests []Test `json:"tests,omitempty"`
}

// Exploit reports whether the challenge is won by a win condition rather
// than scored by a suite.
func (c *Challenge) Exploit() bool { return len(c.Spec.Win) > 0 }

// MaxSubmissionBytes is the largest file the challenge takes.
func (s *Spec) MaxSubmissionBytes() int { return s.MaxSubmissionKB << 10 }

// OptimizerOn reports whether the optimizer is on.
func (s Solidity) OptimizerOn() bool { return s.Optimize == nil || *s.Optimize }

// ApplyDefaults fills the spec's zero fields.
func (s *Spec) ApplyDefaults() {
	if s.ChainID == 0 {
		s.ChainID = DefaultChainID
	}
	if s.Accounts == nil {
		s.Accounts = map[string]Account{}
	}
	for name, bal := range map[string]string{Deployer: DefaultDeployerBalance, Player: DefaultPlayerBalance} {
		a := s.Accounts[name]
		if a.Balance == "" {
			a.Balance = bal
		}
		s.Accounts[name] = a
	}
	for name, a := range s.Accounts {
		if a.Balance == "" {
			a.Balance = DefaultAccountBalance
		}
		if a.Address == "" {
			a.Address = AccountAddress(name).String()
		}
		s.Accounts[name] = a
	}
	if len(s.Win) == 0 && s.Suite == "" {
		s.Suite = DefaultSuite
	}
	if s.Deploy.Name == "" {
		s.Deploy.Name = DefaultDeployName
	}
	if s.Deploy.From == "" {
		s.Deploy.From = Deployer
		if len(s.Win) > 0 {
			s.Deploy.From = Player
		}
	}
	if s.Gas.Tx == 0 {
		s.Gas.Tx = DefaultTxGas
	}
	if s.Gas.Total == 0 {
		s.Gas.Total = DefaultTotalGas
	}
	if s.MaxTransactions == 0 {
		s.MaxTransactions = DefaultMaxTransactions
	}
	if s.MaxSubmissionKB == 0 {
		s.MaxSubmissionKB = DefaultMaxSubmissionKB
	}
	if s.Solidity.Runs == 0 {
		s.Solidity.Runs = DefaultOptimizerRuns
	}
	if s.Solidity.TimeMS == 0 {
		s.Solidity.TimeMS = DefaultCompileTimeMS
	}
	if s.Solidity.MemoryMB == 0 {
		s.Solidity.MemoryMB = DefaultCompileMemoryMB
	}
}

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// accountNames returns the account names in a fixed order.
func (s *Spec) accountNames() []string {
	names := make([]string, 0, len(s.Accounts))
	for n := range s.Accounts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// wei returns the account's starting balance.
func (a Account) wei() (*big.Int, error) {
	n, err := ParseAmount(a.Balance)
	if err != nil {
		return nil, fmt.Errorf("balance: %w", err)
	}
	return n, nil
}

// LanguageForFile names the evm language of a submitted file by its
// ending: .json is transactions, .hex and .bin bytecode, .sol Solidity.
// It returns "" for anything else.
func LanguageForFile(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".json":
		return LangTransactions
	case ".hex", ".bin":
		return LangBytecode
	case ".sol":
		return LangSolidity
	}
	return ""
}
