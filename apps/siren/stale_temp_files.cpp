// Removing stale temporary files of anvil-siren's outputs (see stale_temp_files.h).
#include "stale_temp_files.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>

namespace anvil::siren {
namespace {

bool all_digits(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

bool is_render_name(const std::string& name) {
    // render_<W>x<H>.png, step_<N>.png
    int w = 0, h = 0;
    char tail[8] = {};
    if (std::sscanf(name.c_str(), "render_%dx%d.%4s", &w, &h, tail) == 3 &&
        name == "render_" + std::to_string(w) + "x" + std::to_string(h) + ".png")
        return true;
    return name.rfind("step_", 0) == 0 && name.size() > 9 &&
           name.compare(name.size() - 4, 4, ".png") == 0 &&
           all_digits(name.substr(5, name.size() - 9));
}

bool is_output_name(const std::string& name) {
    for (const char* own : {"model.safetensors", "metrics.csv", "summary.json", "reconstruction.png",
                            "timeline.gif", "timeline.png"})
        if (name == own) return true;
    return is_render_name(name);
}

bool process_exists(long pid) {
    if (pid <= 0) return true;  // not a real writer: leave the file alone
    if (pid == ::getpid()) return true;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace

bool is_own_temp_file(const std::string& file_name, long* pid) {
    // ".<name>.tmp-<pid>-<n>"
    const std::size_t tmp = file_name.rfind(".tmp-");
    if (file_name.size() < 2 || file_name[0] != '.' || tmp == std::string::npos || tmp < 2)
        return false;
    const std::string name = file_name.substr(1, tmp - 1);
    const std::string tail = file_name.substr(tmp + 5);
    const std::size_t dash = tail.find('-');
    if (dash == std::string::npos || !all_digits(tail.substr(0, dash)) ||
        !all_digits(tail.substr(dash + 1)) || dash > 9 || !is_output_name(name))
        return false;
    *pid = std::stol(tail.substr(0, dash));
    return true;
}

std::vector<std::string> remove_stale_temp_files(const std::string& out_dir) {
    namespace fs = std::filesystem;
    std::vector<std::string> removed;
    for (const fs::path& dir : {fs::path(out_dir), fs::path(out_dir) / "snapshots"}) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            long pid = 0;
            std::error_code type_ec;
            if (!entry.is_regular_file(type_ec) ||
                !is_own_temp_file(entry.path().filename().string(), &pid) || process_exists(pid))
                continue;
            std::error_code remove_ec;
            if (fs::remove(entry.path(), remove_ec)) removed.push_back(entry.path().string());
        }
    }
    return removed;
}

}  // namespace anvil::siren
