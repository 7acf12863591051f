// anvil-conformance: every op on every available backend against the float64 host reference,
// through the public API and the plugin loader only.
//   anvil-conformance [--backend NAME] [--plugin-dir DIR]... [GoogleTest flags]
#include <gtest/gtest.h>

#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "anvil/anvil.h"
#include "conformance.h"

namespace {

constexpr const char* kUsage =
    "anvil-conformance: runs every anvil op on every available backend against a float64\n"
    "host reference. Options (before or among GoogleTest's own):\n"
    "  --backend NAME     test only this backend (e.g. a plugin you are writing)\n"
    "  --plugin-dir DIR   also load libanvil-*.so plugins from DIR (repeatable)\n"
    "Plugins are also searched in ANVIL_PLUGIN_PATH, the out-of-tree plugin directory of this\n"
    "build and the directory next to libanvil_core.so.\n";

struct Options {
    std::optional<std::string> backend;
    std::vector<std::string> plugin_dirs;
    bool listing = false;  // --gtest_list_tests: print nothing but the list
};

// Takes our flags out of argv (GoogleTest would reject them) and leaves the rest in place.
// Returns false, having printed why, on a flag without its value.
bool parse_options(int& argc, char** argv, Options& options) {
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        std::string flag;
        if (arg == "--backend" || arg.starts_with("--backend=")) flag = "--backend";
        if (arg == "--plugin-dir" || arg.starts_with("--plugin-dir=")) flag = "--plugin-dir";
        if (flag.empty()) {
            if (arg.starts_with("--gtest_list_tests")) options.listing = true;
            if (arg == "--help" || arg == "-h" || arg.starts_with("--gtest_help"))
                std::cout << kUsage;
            argv[kept++] = argv[i];
            continue;
        }
        std::string value;
        if (arg.size() > flag.size()) {
            value = arg.substr(flag.size() + 1);
        } else if (i + 1 < argc) {
            value = argv[++i];
        }
        if (value.empty()) {
            std::cerr << "anvil-conformance: " << flag << " needs a value\n" << kUsage;
            return false;
        }
        if (flag == "--backend")
            options.backend = value;
        else
            options.plugin_dirs.push_back(value);
    }
    argc = kept;
    argv[argc] = nullptr;
    return true;
}

// Load attempts that did not register a backend, so a plugin author sees why theirs is absent.
void print_load_problems(std::ostream& out) {
    for (const anvil::LoadAttempt& a : anvil::Registry::instance().attempts()) {
        if (a.outcome == anvil::LoadOutcome::loaded || a.outcome == anvil::LoadOutcome::skipped)
            continue;
        out << "anvil-conformance: " << a.path << ": " << anvil::load_outcome_name(a.outcome)
            << (a.detail.empty() ? "" : ": " + a.detail) << "\n";
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_options(argc, argv, options)) return 2;

    std::vector<std::string> dirs = options.plugin_dirs;
    dirs.push_back(ANVIL_EXTERNAL_PLUGIN_DIR);  // where the out-of-tree reference plugin lands
    anvil::Registry& registry = anvil::Registry::instance();
    registry.load_plugins(dirs);

    std::vector<std::string> available;
    for (anvil::Backend* b : registry.backends())
        if (b->availability().available && b->device_count() > 0) available.push_back(b->name());

    std::vector<std::string> selected = available;
    if (options.backend) {
        anvil::Backend* b = registry.find(*options.backend);
        if (!b) {
            std::cerr << "anvil-conformance: unknown backend '" << *options.backend << "'; "
                      << registry.backends_summary() << "\n";
            print_load_problems(std::cerr);
            return 2;
        }
        const anvil::Availability a = b->availability();
        if (!a.available || b->device_count() == 0) {
            std::cerr << "anvil-conformance: backend '" << b->name()
                      << "' is unavailable: " << (a.available ? "it has no devices" : a.reason)
                      << "\n";
            return 2;
        }
        selected = {b->name()};
    }
    if (selected.empty()) {
        std::cerr << "anvil-conformance: no backend to test; " << registry.backends_summary()
                  << "\n";
        print_load_problems(std::cerr);
        return 1;
    }
    anvil::test::set_backends(selected, available);

    if (!options.listing) {
        std::cout << "anvil-conformance: testing";
        for (const std::string& name : selected) std::cout << " " << name;
        std::cout << " (" << registry.backends_summary() << ")\n";
        print_load_problems(std::cout);
    }
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
