// Registry state shared by registry.cpp (names, lookup) and loader.cpp (discovery, dlopen).
// One instance per process, reached through Registry::instance().
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "anvil/backend.h"
#include "anvil/registry.h"

namespace anvil {

struct Registry::Impl {
    // Recursive: dlopen runs the plugin's registrar, which re-enters register_factory while
    // load_file still holds the lock.
    mutable std::recursive_mutex mutex;
    std::vector<std::unique_ptr<Backend>> backends;
    std::vector<std::string> backend_origins;  // the file each backend came from
    // Backends refused as duplicates of a registered name, and variants replaced by a
    // better-scoring one or refused for a wrong name. They live as long as the registered
    // ones (for ever) rather than being destroyed at once: a duplicate is usually a second
    // copy of the same plugin, and its destructor could release process-wide driver state
    // (a CUDA context, an OpenCL platform) that the registered twin still uses. Owned here,
    // they are not leaks (LeakSanitizer used to report each one, issue 13).
    std::vector<std::unique_ptr<Backend>> refused;
    // Per backend: its variant ("" when registered without one) and the variant's score.
    std::vector<std::string> backend_variants;
    std::vector<int> backend_scores;
    std::vector<LoadAttempt> attempts;
    std::vector<SearchDirectory> directories;
    std::set<std::string> loaded_paths;  // canonical paths already dlopen'ed
    LoadAttempt* current = nullptr;      // the attempt whose dlopen is running
    bool registered_in_current = false;  // the file called anvil_register_backend
    bool defaults_loaded = false;
};

// Lower-cases ASCII, for case-insensitive backend names.
std::string lower_ascii(std::string text);
// The load report's words for a plugin built against another ANVIL_ABI_VERSION.
std::string abi_mismatch_text(int abi_version);

}  // namespace anvil
