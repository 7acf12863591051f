// anvil-siren's files in --out: the directory check done before any work, metrics.csv (one
// row per step), and atomic text writes, so a failure never leaves a half-written file in
// place of a good one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace anvil::siren {

// Creates `dir` with its parents and proves it writable by creating and removing a probe
// file; removes the temporary files that an earlier anvil-siren killed while saving left there
// (stale_temp_files.h). Throws anvil::Error "[out] <dir>: ..." naming the reason (not a directory,
// permission denied, read-only file system, ...).
void prepare_output_dir(const std::string& dir);

// Writes text through a temporary file and rename (see nn::write_file_atomically).
void write_text_file(const std::string& path, const std::string& text);

struct MetricRow {
    std::int64_t step = 0;
    double loss = 0.0;
    double psnr_db = 0.0;
    double lr = 0.0;
    double elapsed_s = 0.0;
};

// "step,loss,psnr_db,lr,elapsed_s" and one line per row.
std::string format_metrics(const std::vector<MetricRow>& rows);
// The rows of an existing metrics.csv with step <= up_to_step, for a resumed run; empty when
// the file is missing or not ours (a resumed run then starts a fresh file).
std::vector<MetricRow> read_metrics(const std::string& path, std::int64_t up_to_step);

// "snapshots/step_000120.png" for step 120.
std::string snapshot_name(std::int64_t step);
// Steps of the snapshot files in `dir` (snapshot_name's pattern), ascending.
std::vector<std::int64_t> list_snapshots(const std::string& dir);

}  // namespace anvil::siren
