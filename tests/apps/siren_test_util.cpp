// Helpers of the anvil-siren tests (see siren_test_util.h). The child's stdout and stderr go
// to files rather than pipes, so a chatty child can never block on a full pipe while the
// test waits for it.
#include "siren_test_util.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "anvil/anvil.h"

extern char** environ;

namespace anvil::siren::test {
namespace fs = std::filesystem;

std::string siren_binary() { return ANVIL_SIREN_BINARY; }
std::string external_plugin_dir() { return ANVIL_EXTERNAL_PLUGIN_DIR; }

bool backend_built(const std::string& backend) {
    if (backend == "cpu") return true;
    return fs::exists(external_plugin_dir() + "/libanvil-" + backend + ".so");
}

std::string why_not_runnable(const std::string& backend) {
    anvil::Registry& registry = anvil::Registry::instance();
    registry.load_plugins({external_plugin_dir()});
    anvil::Backend* b = registry.find(backend);
    if (!b)
        return "backend '" + backend + "' is not built here (no plugin in this build or in " +
               external_plugin_dir() + "; scripts/build-reference-plugin.sh builds the reference one)";
    const anvil::Availability a = b->availability();
    return a.available ? "" : "backend '" + backend + "' is unavailable: " + a.reason;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> siren_argv(const std::vector<std::string>& args) {
    std::vector<std::string> argv{siren_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

Process::Process(const std::vector<std::string>& argv_in) {
    std::string pattern = (fs::temp_directory_path() / "anvil-siren-proc-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    const std::string out = dir_ + "/stdout", err = dir_ + "/stderr";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> argv = argv_in;
    std::vector<std::string> env{"OMP_NUM_THREADS=1"};
    for (char** e = environ; *e; ++e)
        if (std::string(*e).rfind("OMP_NUM_THREADS=", 0) != 0) env.emplace_back(*e);
    auto pointers = [](std::vector<std::string>& items) {
        std::vector<char*> p;
        for (auto& s : items) p.push_back(s.data());
        p.push_back(nullptr);
        return p;
    };
    auto c_argv = pointers(argv);
    auto c_env = pointers(env);
    const int rc = posix_spawn(&pid_, argv[0].c_str(), &actions, nullptr, c_argv.data(), c_env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
}

Process::~Process() {
    if (!waited_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::string Process::err_so_far() const { return read_text(dir_ + "/stderr"); }

void Process::send(int signal_number) const { ::kill(pid_, signal_number); }

RunResult Process::wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_text(dir_ + "/stdout");
    r.err = read_text(dir_ + "/stderr");
    return r;
}

RunResult run_program(const std::vector<std::string>& argv) {
    Process p(argv);
    return p.wait();
}

RunResult run_siren(const std::vector<std::string>& args) { return run_program(siren_argv(args)); }

Image pattern_image(int width, int height, int channels) {
    Image img(width, height, channels);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < channels; ++c) {
                const double dx = x - 0.6 * width, dy = y - 0.4 * height;
                const bool disc = dx * dx + dy * dy < 0.04 * width * width;
                const double wave = 0.5 + 0.3 * std::sin(x / 5.0 + c) * std::cos(y / 4.0);
                img.at(x, y, c) = static_cast<float>(disc ? 0.95 : wave);
            }
    return img;
}

std::string write_pattern_png(const TempDir& dir, const std::string& name, int width,
                              int height, int channels) {
    const std::string path = dir / name;
    write_png(path, pattern_image(width, height, channels));
    return path;
}

std::vector<std::string> small_run(const std::string& image, const std::string& out, int steps) {
    return {"--backend", "cpu", "--image", image, "--out", out, "--hidden", "32", "--layers", "2",
            "--lr", "1e-3", "--steps", std::to_string(steps), "--quiet"};
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::vector<double> metrics_column(const std::string& csv_path, const std::string& column) {
    std::istringstream in(read_text(csv_path));
    std::string line;
    std::getline(in, line);
    std::vector<std::string> header;
    {
        std::istringstream h(line);
        std::string cell;
        while (std::getline(h, cell, ',')) header.push_back(cell);
    }
    std::size_t index = header.size();
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == column) index = i;
    if (index == header.size()) throw std::runtime_error("no column " + column + " in " + csv_path);
    std::vector<double> values;
    while (std::getline(in, line)) {
        std::istringstream row(line);
        std::string cell;
        for (std::size_t i = 0; i <= index && std::getline(row, cell, ','); ++i) {}
        values.push_back(std::stod(cell));
    }
    return values;
}

}  // namespace anvil::siren::test
