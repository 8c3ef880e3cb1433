// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title EtherBank: a savings bank for ether.
/// @notice Anyone may deposit ether and later withdraw their whole balance.
contract EtherBank {
    mapping(address => uint256) public balances;

    event Deposit(address indexed account, uint256 amount);
    event Withdrawal(address indexed account, uint256 amount);

    /// @notice Adds the ether sent to the caller's balance.
    function deposit() external payable {
        require(msg.value > 0, "nothing to deposit");
        balances[msg.sender] += msg.value;
        emit Deposit(msg.sender, msg.value);
    }

    /// @notice Pays the caller's whole balance out to the caller.
    function withdraw() external {
        uint256 amount = balances[msg.sender];
        require(amount > 0, "no balance");
        (bool ok, ) = msg.sender.call{value: amount}("");
        require(ok, "transfer failed");
        balances[msg.sender] = 0;
        emit Withdrawal(msg.sender, amount);
    }

    /// @notice The ether the bank holds for all its customers.
    function totalDeposits() external view returns (uint256) {
        return address(this).balance;
    }
}
