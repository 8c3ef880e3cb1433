// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// 2^20 inlined additions: the compiler's memory grows past the compile
// memory limit (about 2 GB if unbounded).
uint256 constant C0 = 1;
uint256 constant C1 = C0 + C0;
uint256 constant C2 = C1 + C1;
uint256 constant C3 = C2 + C2;
uint256 constant C4 = C3 + C3;
uint256 constant C5 = C4 + C4;
uint256 constant C6 = C5 + C5;
uint256 constant C7 = C6 + C6;
uint256 constant C8 = C7 + C7;
uint256 constant C9 = C8 + C8;
uint256 constant C10 = C9 + C9;
uint256 constant C11 = C10 + C10;
uint256 constant C12 = C11 + C11;
uint256 constant C13 = C12 + C12;
uint256 constant C14 = C13 + C13;
uint256 constant C15 = C14 + C14;
uint256 constant C16 = C15 + C15;
uint256 constant C17 = C16 + C16;
uint256 constant C18 = C17 + C17;
uint256 constant C19 = C18 + C18;
uint256 constant C20 = C19 + C19;

contract SkillToken {
    function big() external pure returns (uint256) {
        return C20;
    }
}
