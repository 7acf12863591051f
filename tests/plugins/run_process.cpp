// run_process: posix_spawn with stdout and stderr redirected to temporary files (reading two
// pipes without a poll loop could deadlock when the child fills one of them).
#include "run_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace anvil {

namespace {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> merged_environment(const std::map<std::string, std::optional<std::string>>& env) {
    std::vector<std::string> out;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        const std::string key = entry.substr(0, entry.find('='));
        if (!env.count(key)) out.push_back(entry);
    }
    for (const auto& [key, value] : env)
        if (value) out.push_back(key + "=" + *value);
    return out;
}

std::vector<char*> c_strings(std::vector<std::string>& items) {
    std::vector<char*> out;
    for (std::string& s : items) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::optional<std::string>>& env) {
    namespace fs = std::filesystem;
    std::string pattern = (fs::temp_directory_path() / "anvil-run-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("run_process: mkdtemp failed");
    const fs::path dir = pattern;
    const std::string out_path = (dir / "stdout").string(), err_path = (dir / "stderr").string();

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> args = argv, envs = merged_environment(env);
    std::vector<char*> c_args = c_strings(args), c_envs = c_strings(envs);
    pid_t pid = 0;
    const int spawn_error = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, c_args.data(), c_envs.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawn_error != 0) {
        fs::remove_all(dir);
        throw std::runtime_error("run_process: cannot start " + args[0]);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ProcessResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(out_path);
    result.err = slurp(err_path);
    fs::remove_all(dir);
    return result;
}

}  // namespace anvil
