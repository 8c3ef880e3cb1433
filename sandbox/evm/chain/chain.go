// Package chain is the in-memory blockchain evm challenges run on:
// go-ethereum's state database and EVM, one transaction per block, no
// consensus, no network, no disk. It implements evm.Chain and is linked
// only into the arena-evm tool that runs inside the sandbox.
package chain

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/skillarena/arena/sandbox/evm"
)

// Block parameters. Every run starts from the same genesis, so grading is
// deterministic: block n has number n and time GenesisTime + 12 n.
const (
	GenesisTime   = 1_735_689_600 // 2025-01-01T00:00:00Z
	BlockInterval = 12
	BlockGasLimit = 60_000_000
)

// Chain is an in-memory chain with every fork up to Osaka active.
type Chain struct {
	config *params.ChainConfig
	state  *state.StateDB
	number uint64
}

// New makes an empty chain; its signature matches evm.NewChain.
func New(chainID uint64) (evm.Chain, error) {
	db, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		return nil, fmt.Errorf("state database: %w", err)
	}
	cfg := *params.MergedTestChainConfig
	cfg.ChainID = new(big.Int).SetUint64(chainID)
	return &Chain{config: &cfg, state: db}, nil
}

// Fund sets the balance of an account.
func (c *Chain) Fund(a evm.Address, wei *big.Int) {
	c.state.SetBalance(common.Address(a), uint256.MustFromBig(wei), tracing.BalanceChangeUnspecified)
}

// Balance returns the ether balance of a.
func (c *Chain) Balance(a evm.Address) *big.Int {
	return c.state.GetBalance(common.Address(a)).ToBig()
}

// Apply executes m as the only transaction of the next block, with a gas
// price of zero so that balances move only by the values sent.
func (c *Chain) Apply(m evm.Msg) (evm.Receipt, error) {
	number := c.number + 1
	random := common.BigToHash(new(big.Int).SetUint64(number))
	blockCtx := vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash: func(n uint64) common.Hash {
			return crypto.Keccak256Hash([]byte(fmt.Sprintf("skillarena block %d", n)))
		},
		Coinbase:    common.Address{},
		GasLimit:    BlockGasLimit,
		BlockNumber: new(big.Int).SetUint64(number),
		Time:        GenesisTime + BlockInterval*number,
		Difficulty:  new(big.Int),
		BaseFee:     new(big.Int),
		BlobBaseFee: big.NewInt(1),
		Random:      &random,
	}
	machine := vm.NewEVM(blockCtx, c.state, c.config, vm.Config{NoBaseFee: true})
	from := common.Address(m.From)
	value := new(big.Int)
	if m.Value != nil {
		value = m.Value
	}
	v, overflow := uint256.FromBig(value)
	if overflow {
		return evm.Receipt{}, errors.New("value does not fit 256 bits")
	}
	nonce := c.state.GetNonce(from)
	msg := &core.Message{
		From:      from,
		Nonce:     nonce,
		Value:     v,
		GasLimit:  m.Gas,
		GasPrice:  new(uint256.Int),
		GasFeeCap: new(uint256.Int),
		GasTipCap: new(uint256.Int),
		Data:      m.Data,
	}
	if m.To != nil {
		to := common.Address(*m.To)
		msg.To = &to
	}
	msg.SkipGasLimitCapCheck()
	txHash := crypto.Keccak256Hash([]byte(fmt.Sprintf("skillarena tx %d", number)))
	c.state.SetTxContext(txHash, 0, 0)
	snapshot := c.state.Snapshot()
	res, err := core.ApplyMessage(machine, msg, core.NewGasPool(BlockGasLimit))
	if err != nil {
		c.state.RevertToSnapshot(snapshot)
		return evm.Receipt{}, err
	}
	rules := c.config.Rules(blockCtx.BlockNumber, true, blockCtx.Time)
	c.state.Finalise(rules)
	c.number = number

	rec := evm.Receipt{GasUsed: res.UsedGas, Return: res.ReturnData, Status: evm.StatusSuccess}
	switch {
	case res.Err == nil:
	case errors.Is(res.Err, vm.ErrExecutionReverted):
		rec.Status = evm.StatusReverted
	case errors.Is(res.Err, vm.ErrOutOfGas), errors.Is(res.Err, vm.ErrCodeStoreOutOfGas), errors.Is(res.Err, vm.ErrGasUintOverflow):
		rec.Status = evm.StatusOutOfGas
	default:
		rec.Status = evm.StatusFailed
		rec.Err = res.Err.Error()
	}
	if rec.Status != evm.StatusReverted {
		// Only REVERT returns data when a call fails.
		if rec.Status != evm.StatusSuccess {
			rec.Return = nil
		}
	}
	if m.To == nil && rec.Status == evm.StatusSuccess {
		created := evm.Address(crypto.CreateAddress(from, nonce))
		rec.Created = &created
	}
	for _, l := range c.state.GetLogs(txHash, number, common.Hash{}, blockCtx.Time) {
		topics := make([][]byte, len(l.Topics))
		for i, t := range l.Topics {
			topics[i] = t.Bytes()
		}
		rec.Logs = append(rec.Logs, evm.Log{Address: evm.Address(l.Address), Topics: topics, Data: l.Data})
	}
	return rec, nil
}
