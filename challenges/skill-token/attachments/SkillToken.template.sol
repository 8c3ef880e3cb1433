// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Fill in SkillToken. Submit one .sol file; it may define other contracts,
// libraries and interfaces, but no imports.

contract SkillToken {
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error NotOwner(address caller);

    constructor(uint256 initialSupply) {
        // mint initialSupply to the deployer
    }

    // name, symbol, decimals, owner, totalSupply, balanceOf, allowance,
    // transfer, approve, transferFrom, mint, burn: see ISkillToken.sol
}
