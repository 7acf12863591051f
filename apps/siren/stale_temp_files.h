// Clean-up of the temporary files an earlier anvil-siren left in --out when it was killed
// (kill -9, power loss) in the middle of an atomic save: nn::write_file_atomically writes
// ".<name>.tmp-<pid>-<n>" next to <name> and renames it; a killed process never renames or
// removes it, and a checkpoint's temporary file is as large as the checkpoint.
#pragma once

#include <string>
#include <vector>

namespace anvil::siren {

// Whether `file_name` is a temporary file of an output anvil-siren writes (model.safetensors,
// metrics.csv, summary.json, reconstruction.png, timeline.gif/png, render_WxH.png,
// snapshots' step_N.png); sets *pid to the process that wrote it.
bool is_own_temp_file(const std::string& file_name, long* pid);

// Removes, in `out_dir` and its snapshots/ folder, the temporary files of anvil-siren's own
// outputs whose writing process no longer exists (a live one may still be saving: another run
// into the same folder). Returns the paths removed; files that cannot be removed are left.
std::vector<std::string> remove_stale_temp_files(const std::string& out_dir);

}  // namespace anvil::siren
