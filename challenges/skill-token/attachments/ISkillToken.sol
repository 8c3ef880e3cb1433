// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title The interface SkillToken must implement.
interface ISkillToken {
    /// Emitted on every move of tokens, minting (from = 0) and burning (to = 0) included.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// Emitted by approve.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// Thrown by mint when the caller is not the owner (the deployer).
    error NotOwner(address caller);

    function name() external view returns (string memory); // "Skill Token"
    function symbol() external view returns (string memory); // "SKT"
    function decimals() external view returns (uint8); // 18
    function owner() external view returns (address); // the deployer
    function totalSupply() external view returns (uint256);
    function balanceOf(address account) external view returns (uint256);
    function allowance(address holder, address spender) external view returns (uint256);

    function transfer(address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function mint(address to, uint256 amount) external;
    function burn(uint256 amount) external;
}
