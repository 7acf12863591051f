// Output-directory handling, metrics.csv and snapshot names for anvil-siren (see outputs.h).
#include "outputs.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "anvil/error.h"
#include "anvil/nn/safetensors.h"
#include "stale_temp_files.h"

namespace anvil::siren {
namespace fs = std::filesystem;

void prepare_output_dir(const std::string& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error("[out] " + dir + ": exists and is not a directory");
    fs::create_directories(dir, ec);
    if (ec) throw Error("[out] " + dir + ": cannot create the directory: " + ec.message());
    const std::string probe = (fs::path(dir) / ".anvil-siren-write-test").string();
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    if (!f) throw Error("[out] " + dir + ": cannot write there: " + std::strerror(errno));
    std::fclose(f);
    std::remove(probe.c_str());
    // Left by an earlier run killed while saving; this run's saves would not replace them.
    remove_stale_temp_files(dir);
}

void write_text_file(const std::string& path, const std::string& text) {
    nn::write_file_atomically(path, text.data(), text.size(), "out");
}

std::string format_metrics(const std::vector<MetricRow>& rows) {
    std::string out = "step,loss,psnr_db,lr,elapsed_s\n";
    char line[160];
    for (const auto& r : rows) {
        std::snprintf(line, sizeof line, "%lld,%.9g,%.4f,%.9g,%.3f\n",
                      static_cast<long long>(r.step), r.loss, r.psnr_db, r.lr, r.elapsed_s);
        out += line;
    }
    return out;
}

std::vector<MetricRow> read_metrics(const std::string& path, std::int64_t up_to_step) {
    std::ifstream in(path);
    std::vector<MetricRow> rows;
    std::string line;
    if (!std::getline(in, line) || line != "step,loss,psnr_db,lr,elapsed_s") return rows;
    while (std::getline(in, line)) {
        MetricRow r;
        long long step = 0;
        if (std::sscanf(line.c_str(), "%lld,%lf,%lf,%lf,%lf", &step, &r.loss, &r.psnr_db, &r.lr,
                        &r.elapsed_s) != 5)
            break;
        r.step = step;
        if (r.step > up_to_step) break;
        rows.push_back(r);
    }
    return rows;
}

std::string snapshot_name(std::int64_t step) {
    char name[64];
    std::snprintf(name, sizeof name, "snapshots/step_%06lld.png", static_cast<long long>(step));
    return name;
}

std::vector<std::int64_t> list_snapshots(const std::string& dir) {
    std::vector<std::int64_t> steps;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        long long step = 0;
        char tail[8] = {};
        if (std::sscanf(name.c_str(), "step_%lld.%4s", &step, tail) == 2 &&
            std::strcmp(tail, "png") == 0 && name == fs::path(snapshot_name(step)).filename().string())
            steps.push_back(step);
    }
    std::sort(steps.begin(), steps.end());
    return steps;
}

}  // namespace anvil::siren
