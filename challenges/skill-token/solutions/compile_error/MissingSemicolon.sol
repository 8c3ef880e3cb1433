// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

contract SkillToken {
    uint256 public totalSupply

    constructor(uint256 initialSupply) {
        totalSupply = initialSupply;
    }
}
