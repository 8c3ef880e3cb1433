package challenges

// EVMSpec is the `evm:` section: transactions or contracts run on an
// in-memory chain.
type EVMSpec struct{}
