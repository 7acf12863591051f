// The communicator base, the built-in single-process communicator, and the loader of the
// communicator plugins (libanvil-comm-<name>.so, see communicator.h).
#include "anvil/nn/communicator.h"

#include <dlfcn.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "anvil/error.h"
#include "anvil/nn/comm_plugin.h"

namespace anvil::nn {
namespace fs = std::filesystem;

Communicator::~Communicator() = default;

std::string Communicator::broadcast_string(const std::string& text, int root) {
    std::uint64_t length = text.size();
    broadcast(std::as_writable_bytes(std::span(&length, 1)), root);
    std::string out = rank() == root ? text : std::string(length, '\0');
    broadcast(std::as_writable_bytes(std::span(out.data(), out.size())), root);
    return out;
}

namespace {

class LocalCommunicator final : public Communicator {
public:
    std::string name() const override { return "local"; }
    int rank() const override { return 0; }
    int size() const override { return 1; }
    // The sum over one rank is the data itself: nothing moves and nothing is counted.
    void allreduce_sum(std::span<Tensor* const>) override {}
    void allreduce_sum(std::span<double>) override {}
    void broadcast(std::span<std::byte>, int root) override {
        if (root != 0) throw Error("[comm] broadcast from rank " + std::to_string(root) + " of 1");
    }
    void barrier() override {}
    [[noreturn]] void abort(int status) override { std::_Exit(status); }
};

std::string directory_of_nn() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&directory_of_nn), &info) == 0 || !info.dli_fname)
        return {};
    std::error_code ec;
    fs::path lib = fs::canonical(info.dli_fname, ec);
    if (ec) lib = info.dli_fname;
    return lib.parent_path().string();
}

}  // namespace

double comm_timeout_from_env() {
    const char* text = std::getenv("ANVIL_COMM_TIMEOUT_S");
    if (!text || !*text) return 120.0;
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !std::isfinite(value) || value <= 0)
        throw Error(std::string("[comm] ANVIL_COMM_TIMEOUT_S='") + text +
                    "' is not a positive number of seconds");
    return value;
}

std::unique_ptr<Communicator> make_local_communicator() {
    return std::make_unique<LocalCommunicator>();
}

std::vector<std::string> communicator_plugin_dirs() {
    std::vector<std::string> dirs;
    if (const char* list = std::getenv("ANVIL_COMM_PLUGIN_PATH")) {
        std::string all = list;
        std::size_t start = 0;
        while (start <= all.size()) {
            const std::size_t end = all.find(':', start);
            std::string item = all.substr(start, end == std::string::npos ? std::string::npos
                                                                           : end - start);
            if (!item.empty()) dirs.push_back(item);
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    const std::string nn_dir = directory_of_nn();
    if (!nn_dir.empty()) dirs.push_back((fs::path(nn_dir) / "anvil" / "comm").string());
    return dirs;
}

std::unique_ptr<Communicator> open_communicator(const std::string& name,
                                                const CommOptions& options) {
    if (name == "local") return make_local_communicator();
    const std::string file = "libanvil-comm-" + name + ".so";
    std::string searched;
    for (const std::string& dir : communicator_plugin_dirs()) {
        const fs::path path = fs::path(dir) / file;
        searched += (searched.empty() ? "" : ", ") + dir;
        std::error_code ec;
        if (!fs::exists(path, ec)) continue;
        // RTLD_GLOBAL: Open MPI opens its own components with dlopen, and they resolve
        // libmpi's symbols in the global scope; a plugin opened RTLD_LOCAL hides them.
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
        if (!handle) {
            const char* why = dlerror();
            throw Error("[comm] cannot load " + path.string() + ": " + (why ? why : "unknown"));
        }
        auto create = reinterpret_cast<anvil_comm_create_fn>(dlsym(handle, ANVIL_COMM_ENTRY_POINT));
        if (!create)
            throw Error("[comm] " + path.string() + " is not an anvil communicator plugin (no " +
                        ANVIL_COMM_ENTRY_POINT + ")");
        char error[512] = {};
        Communicator* comm = create(ANVIL_COMM_ABI_VERSION, &options, error, sizeof error);
        if (!comm) throw Error("[comm] " + name + " is unavailable: " + error);
        return std::unique_ptr<Communicator>(comm);
    }
    throw Error("[comm] no " + file + " in " + (searched.empty() ? "(no directory)" : searched) +
                " (this build has no '" + name + "' communicator; see docs/distributed.md)");
}

}  // namespace anvil::nn
