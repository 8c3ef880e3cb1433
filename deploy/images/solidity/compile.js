// Compiles Solidity inside the sandbox: reads one solc standard JSON input
// on stdin and writes solc's standard JSON output on stdout. It uses the
// compiler in soljson.js (from the solc npm package) directly, with no
// import callback, so a source can neither read files nor fetch anything:
// every import must be among the given sources.
'use strict';
const path = require('path');

const soljson = require(process.env.SOLJSON || path.join(__dirname, 'soljson.js'));
const compile = soljson.cwrap('solidity_compile', 'string', ['string', 'number', 'number']);

const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const input = Buffer.concat(chunks).toString('utf8');
  process.stdout.write(compile(input, 0, 0));
});
