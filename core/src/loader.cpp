// Plugin discovery and loading: explicit directories, then ANVIL_PLUGIN_PATH, then the
// anvil/ directory next to libanvil_core.so (found with dladdr, so the build tree and an
// installed tree both work). dlopen(RTLD_NOW | RTLD_LOCAL), never dlclose; every attempt is
// recorded with its outcome, and a broken plugin never stops the others.
#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "anvil/registry.h"
#include "registry_impl.h"

namespace anvil {

namespace fs = std::filesystem;

namespace {

bool is_plugin_name(const std::string& filename) {
    const std::string prefix = "libanvil-", suffix = ".so";
    return filename.size() > prefix.size() + suffix.size() && filename.starts_with(prefix) &&
           filename.ends_with(suffix);
}

// The directory holding libanvil_core.so, plus "/anvil".
std::string plugin_dir_next_to_core() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&plugin_dir_next_to_core), &info) == 0 || !info.dli_fname)
        return {};
    std::error_code ec;
    fs::path core = fs::canonical(info.dli_fname, ec);
    if (ec) core = info.dli_fname;
    return (core.parent_path() / "anvil").string();
}

std::vector<std::string> split_path_list(const char* text) {
    std::vector<std::string> out;
    if (!text) return out;
    std::string all = text;
    std::size_t start = 0;
    while (start <= all.size()) {
        const std::size_t end = all.find(':', start);
        std::string item = all.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!item.empty()) out.push_back(item);
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

}  // namespace

LoadAttempt Registry::load_file(const std::string& path) {
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    LoadAttempt attempt{path, LoadOutcome::loaded, "", {}, "", 0};
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(path, ec);
    const std::string key = ec ? path : canonical.string();
    if (impl_->loaded_paths.count(key)) {
        attempt.outcome = LoadOutcome::skipped;
        attempt.detail = "already loaded";
        impl_->attempts.push_back(attempt);
        return attempt;
    }
    impl_->loaded_paths.insert(key);
    impl_->current = &attempt;
    impl_->registered_in_current = false;
    dlerror();  // clear any stale error
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    impl_->current = nullptr;
    if (!handle) {
        const char* why = dlerror();
        attempt.outcome = LoadOutcome::open_failed;
        attempt.detail = why ? why : "dlopen failed without a message";
        attempt.backends.clear();
    } else if (!impl_->registered_in_current) {
        attempt.outcome = LoadOutcome::no_backend;
        attempt.detail = "loaded, but it registered no backend (no ANVIL_REGISTER_BACKEND)";
    }
    // The handle is intentionally leaked: code from the plugin (vtables, destructors) stays
    // referenced by the registry for the life of the process.
    impl_->attempts.push_back(attempt);
    return attempt;
}

void Registry::load_plugins(const std::vector<std::string>& explicit_dirs) {
    std::lock_guard<std::recursive_mutex> lock(impl_->mutex);
    impl_->defaults_loaded = true;
    std::vector<SearchDirectory> dirs;
    for (const std::string& d : explicit_dirs) dirs.push_back({d, "--plugin-dir / API", false});
    for (const std::string& d : split_path_list(std::getenv("ANVIL_PLUGIN_PATH")))
        dirs.push_back({d, "ANVIL_PLUGIN_PATH", false});
    const std::string next_to_core = plugin_dir_next_to_core();
    if (!next_to_core.empty()) dirs.push_back({next_to_core, "next to libanvil_core.so", false});

    for (SearchDirectory& dir : dirs) {
        std::error_code ec;
        dir.exists = fs::is_directory(dir.path, ec);
        const bool seen = std::any_of(impl_->directories.begin(), impl_->directories.end(),
                                      [&](const SearchDirectory& d) { return d.path == dir.path; });
        if (!seen) impl_->directories.push_back(dir);
        if (!dir.exists || seen) continue;
        std::vector<fs::path> files;
        for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code type_ec;
            if (it->is_regular_file(type_ec)) files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());  // deterministic load order
        for (const fs::path& file : files) {
            if (is_plugin_name(file.filename().string())) {
                load_file(file.string());
            } else {
                impl_->attempts.push_back({file.string(), LoadOutcome::skipped,
                                           "name does not match libanvil-*.so", {}, "", 0});
            }
        }
    }
}

}  // namespace anvil
