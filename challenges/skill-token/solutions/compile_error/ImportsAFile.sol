// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Imports cannot reach anything: the compiler sees this one file only.
import "/etc/passwd";

contract SkillToken {}
