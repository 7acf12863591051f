// The backend registry and plugin loader: one instance per process, living in
// libanvil_core.so. It finds libanvil-*.so files, dlopens them (RTLD_NOW | RTLD_LOCAL, never
// dlclose), records every attempt with its outcome, and hands out backends by name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "anvil/export.h"

namespace anvil {

class Backend;
class Device;

enum class LoadOutcome {
    loaded,          // registered at least one backend
    skipped,         // not named libanvil-*.so, or already loaded from another path
    open_failed,     // dlopen failed (missing dependency, not a shared object, ...)
    abi_mismatch,    // compiled against another ANVIL_ABI_VERSION
    factory_threw,   // the backend's constructor threw
    no_backend,      // loaded, but registered nothing: not an anvil plugin
    duplicate,       // a backend of the same name is already registered
    variant_unsupported,  // a variant this CPU cannot run (or excluded by the user)
    variant_not_chosen,   // a variant that runs here, but another of its backend scored higher
};
ANVIL_EXPORT const char* load_outcome_name(LoadOutcome outcome);

struct LoadAttempt {
    std::string path;
    LoadOutcome outcome = LoadOutcome::skipped;
    std::string detail;                 // dlerror text, exception message, versions, ...
    std::vector<std::string> backends;  // names registered by this file
    std::string variant;                // the variant this file holds ("x86-64-v4"), if any
    int score = 0;                      // the variant's score here (0: cannot run)
};

struct SearchDirectory {
    std::string path;
    std::string origin;  // "--plugin-dir / API", "ANVIL_PLUGIN_PATH", "next to libanvil_core.so"
    bool exists = false;
};

// A backend looked up by name without throwing, for callers that report an unknown name and
// an unavailable backend differently (anvil-siren: a typo is a usage error, an unavailable
// backend is the machine's state). `problem` is the text get() throws after "[backend] ".
struct BackendLookup {
    Backend* backend = nullptr;  // null when no plugin registered the name
    std::string problem;  // "" when usable, else "unknown backend 'x'; available: ..." or
                          // "backend 'x' is unavailable: <reason>"
};

class ANVIL_EXPORT Registry {
public:
    static Registry& instance();

    // Searches explicit dirs, then ANVIL_PLUGIN_PATH (colon-separated), then the plugin dir
    // next to libanvil_core.so, loading each libanvil-*.so once. Calling it again with new
    // directories loads what they add. Never throws for a broken plugin.
    void load_plugins(const std::vector<std::string>& explicit_dirs = {});
    // Loads one file (any name) and records the attempt.
    LoadAttempt load_file(const std::string& path);

    std::vector<SearchDirectory> searched_directories() const;
    std::vector<LoadAttempt> attempts() const;
    std::vector<Backend*> backends() const;  // registration order

    // Case-insensitive; null when unknown. Loads default plugins first if nothing was loaded.
    Backend* find(const std::string& name);
    // Like find, but throws anvil::Error listing available backends and why the unavailable
    // ones are unavailable, and refuses an unavailable backend with its reason.
    Backend& get(const std::string& name);
    // get()'s checks and words, returned instead of thrown.
    BackendLookup lookup(const std::string& name);
    // Highest-priority available backend; throws when none is.
    Backend& best_available();
    // "cpu", "cpu:0", "cuda:1", "auto": the device, validated against device_count().
    std::shared_ptr<Device> device(const std::string& spec);
    // A multi-line summary of available/unavailable backends, for error messages.
    std::string backends_summary();

    // Used by anvil_register_backend and anvil_register_backend_variant.
    void register_factory(int abi_version, Backend* (*factory)()) noexcept;
    void register_variant(int abi_version, const char* backend, const char* variant, int score,
                          const char* reason, Backend* (*factory)()) noexcept;

    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

private:
    Registry();
    ~Registry();
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// "1 device", "3 devices": the one wording of a device count in anvil's messages.
ANVIL_EXPORT std::string device_count_text(int count);
// "" when `backend` has device `index`, else "backend cpu has 1 device (0 to 0)", for callers
// that name the index their own way (anvil-siren: "--device 7: ...").
ANVIL_EXPORT std::string device_index_problem(const Backend& backend, int index);

// Shorthands for Registry::instance().device(spec) and .get(name).
ANVIL_EXPORT std::shared_ptr<Device> device(const std::string& spec);
ANVIL_EXPORT Backend& backend(const std::string& name);

}  // namespace anvil
