// Fuzz harness: anvil-siren's command line (apps/siren/options.cpp) on arbitrary arguments. The
// input is split at NUL bytes into argv[1..]. Parsing must return options, or nullopt for
// --help, or throw UsageError (one line, exit 2 in the app); it must never exit, crash or
// throw anything else. Accepted options are then resolved into a new run's settings, as the
// app does before touching any file: the model configuration may refuse them with anvil::Error.
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <string>
#include <vector>

#include "anvil/error.h"
#include "options.h"
#include "settings.h"

namespace {
constexpr std::size_t kMaxArgs = 64;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    std::cout.rdbuf(nullptr);  // --help text goes nowhere (the stream just sets badbit)
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> args{"anvil-siren"};
    std::string current;
    for (std::size_t i = 0; i < size && args.size() < kMaxArgs; ++i) {
        if (data[i] == 0) {
            args.push_back(current);
            current.clear();
        } else {
            current.push_back(static_cast<char>(data[i]));
        }
    }
    if (!current.empty() && args.size() < kMaxArgs) args.push_back(current);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);  // as the C runtime's argv ends

    using namespace anvil::siren;
    try {
        const auto options = parse_options(static_cast<int>(args.size()), argv.data());
        if (!options || options->list_backends) return 0;
        options->learning_rate();
        options->snapshot_interval();
        settings_for_new_run(*options, 3);
    } catch (const UsageError&) {
    } catch (const anvil::Error&) {
    }
    return 0;
}
