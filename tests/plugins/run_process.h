// Runs a program to completion and captures what it printed, for tests that check a binary's
// messages and exit status (anvil-info). No shell is involved, so paths need no quoting.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace anvil {

struct ProcessResult {
    int exit_code = -1;  // the exit status, or 128 + signal when killed by a signal
    std::string out;     // stdout
    std::string err;     // stderr
};

// argv[0] is the program's path. `env` sets (a value) or removes (nullopt) variables on top of
// this process's environment.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::optional<std::string>>& env = {});

}  // namespace anvil
