// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Compiles, but defines no contract called SkillToken.
contract MyToken {
    uint256 public totalSupply;

    constructor(uint256 initialSupply) {
        totalSupply = initialSupply;
    }
}
