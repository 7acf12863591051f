// Where the loader tests' case directories are (tests/plugins/CMakeLists.txt builds one per
// scenario) and a filter for the load attempts made in one of them, since the registry also
// holds whatever the default plugin directory contributed.
#pragma once

#include <string>
#include <vector>

#include "anvil/registry.h"

namespace anvil {

inline std::string case_dir(const std::string& name) { return std::string(ANVIL_TEST_CASES) + "/" + name; }

// The attempts whose file lies directly in `dir`, in load order.
inline std::vector<LoadAttempt> attempts_in(const std::string& dir) {
    std::vector<LoadAttempt> out;
    for (const LoadAttempt& a : Registry::instance().attempts())
        if (a.path.starts_with(dir + "/") && a.path.find('/', dir.size() + 1) == std::string::npos)
            out.push_back(a);
    return out;
}

// The one attempt for `file` in case `name`; an empty attempt with path "" if there is none.
inline LoadAttempt attempt_for(const std::string& name, const std::string& file) {
    for (const LoadAttempt& a : attempts_in(case_dir(name)))
        if (a.path == case_dir(name) + "/" + file) return a;
    return {};
}

// Loads one case directory (once per process: the registry remembers directories).
inline std::vector<LoadAttempt> load_case(const std::string& name) {
    Registry::instance().load_plugins({case_dir(name)});
    return attempts_in(case_dir(name));
}

}  // namespace anvil
