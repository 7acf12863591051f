// anvil-siren's modes and exit statuses. main() parses the options, calls one mode, and
// turns exceptions into one-line messages: UsageError -> 2, anvil::Error -> 1.
#pragma once

#include "options.h"

namespace anvil::siren {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;        // bad file, checkpoint, backend; divergence; out of memory
constexpr int kExitUsage = 2;        // a bad command line
constexpr int kExitInterrupted = 130;  // SIGINT/SIGTERM: outputs written, then stopped

// Trains (or resumes) and writes every output; returns kExitOk or kExitInterrupted.
int run_training(const Options& options);
// Renders a checkpoint at the --render sizes (or its training size) into --out.
int run_render_only(const Options& options);

}  // namespace anvil::siren
