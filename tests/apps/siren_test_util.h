// Shared helpers of the anvil-siren tests: run the real binary (to completion, or in the
// background for signals), scratch directories, generated test images, and reading outputs.
#pragma once

#include "support/temp_dir.h"

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "image.h"

namespace anvil::siren::test {

struct RunResult {
    int exit_code = -1;  // exit status, or 128 + signal number when killed by a signal
    std::string out;     // stdout
    std::string err;     // stderr
};

// The anvil-siren binary under test, and where the out-of-tree reference plugin lives.
std::string siren_binary();
std::string external_plugin_dir();
// Whether `backend` can be tested here: cpu always; reference when its plugin was built.
bool backend_built(const std::string& backend);
// Empty when `backend` can train here (its plugin found, in this build or the out-of-tree
// plugin directory, and available); otherwise why not, for a visible skip.
std::string why_not_runnable(const std::string& backend);

// Starts argv[0] with argv (stdout and stderr to files; OMP_NUM_THREADS=1, since ctest runs
// several of these at once on few cores and OpenMP's spinning threads would otherwise fight
// over them).
class Process {
public:
    explicit Process(const std::vector<std::string>& argv);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    // What the program has written to stderr so far.
    std::string err_so_far() const;
    void send(int signal_number) const;
    RunResult wait();
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    std::string dir_;
    bool waited_ = false;
};

// Runs a program to completion.
RunResult run_program(const std::vector<std::string>& argv);
// Runs anvil-siren with `args` to completion.
RunResult run_siren(const std::vector<std::string>& args);
// argv for anvil-siren with `args` (for Process).
std::vector<std::string> siren_argv(const std::vector<std::string>& args);

using ::anvil::test::TempDir;

// A smooth pattern with a bright disc: easy for a small SIREN, not constant.
Image pattern_image(int width, int height, int channels);
// Writes pattern_image as PNG into dir and returns the path.
std::string write_pattern_png(const TempDir& dir, const std::string& name, int width,
                              int height, int channels = 1);

// A small, fast SIREN for tests: 2 hidden layers of 32, lr 1e-3, cpu default, quiet.
std::vector<std::string> small_run(const std::string& image, const std::string& out,
                                   int steps);

// Appends more arguments.
std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b);

// Column `column` of metrics.csv.
std::vector<double> metrics_column(const std::string& csv_path, const std::string& column);
std::string read_text(const std::string& path);

}  // namespace anvil::siren::test
