// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Setup: the win condition of the challenge.
contract Setup {
    /// @notice The bank under attack.
    address public immutable bank;

    constructor(address bank_) {
        bank = bank_;
    }

    /// @notice The challenge is solved once the bank holds no ether.
    function isSolved() external view returns (bool) {
        return bank.balance == 0;
    }
}
