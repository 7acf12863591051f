// What a training run leaves in --out once it finishes or is interrupted: the checkpoint,
// reconstruction.png, render_WxH.png, the final snapshot, timeline.gif/png, metrics.csv and
// summary.json. The checkpoint goes first: it is the one output that cannot be recomputed.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "render.h"
#include "timeline.h"
#include "trainer.h"

namespace anvil::siren {

void Trainer::write_outputs(Outcome outcome) {
    save_checkpoint(step_);
    const TargetRange range = target_range(settings_.config);
    const Image reconstruction = render(*model_, image_.width, image_.height, extent_, range);
    write_png(path("reconstruction.png"), reconstruction);
    const double final_psnr = psnr_from_mse(image_mse(reconstruction, image_));
    if (snapshot_steps_.empty() || snapshot_steps_.back() != step_) {
        write_png(path(snapshot_name(step_)), reconstruction);
        snapshot_steps_.push_back(step_);
    }
    for (const Size& size : options_.renders)
        write_png(path("render_" + size.to_string() + ".png"),
                  render(*model_, size.width, size.height, extent_, range));
    write_timeline();
    write_text_file(path("metrics.csv"), format_metrics(metrics_));
    write_summary(outcome, final_psnr);

    char line[256];
    std::snprintf(line, sizeof line,
                  "anvil-siren: step %lld, PSNR %.2f dB at %dx%d, %.1f ms/step; outputs in %s",
                  static_cast<long long>(step_), final_psnr, image_.width, image_.height,
                  step_ > start_step_ ? 1000.0 * step_time_s_ / static_cast<double>(step_ - start_step_) : 0.0,
                  options_.out.c_str());
    note(line);
}

void Trainer::write_timeline() const {
    std::vector<Frame> frames;
    for (std::int64_t step : snapshot_steps_) {
        // A snapshot of an earlier run at another size (or one the user removed) is left out.
        try {
            Image snapshot = load_image(path(snapshot_name(step)));
            if (snapshot.width != image_.width || snapshot.height != image_.height) continue;
            frames.push_back({step, thumbnail(snapshot, 256)});
        } catch (const Error&) {
            continue;
        }
    }
    if (frames.empty()) return;
    write_timeline_gif(path("timeline.gif"), frames);
    write_contact_sheet(path("timeline.png"), frames);
}

void Trainer::write_summary(Outcome outcome, double final_psnr) const {
    const std::int64_t steps_run = step_ - start_step_;
    nlohmann::json j;
    j["backend"] = placement_.backend->name();
    j["device"] = placement_.device->name();
    j["device_description"] = placement_.device->description();
    j["image"] = options_.image;
    j["image_format"] = source_info_.format;
    j["image_size"] = {source_.width, source_.height};
    j["image_bits"] = source_info_.bits;
    j["train_size"] = {image_.width, image_.height};
    j["channels"] = image_.channels;
    j["architecture"] = settings_.config.describe();
    j["parameters"] = model_->parameter_count();
    j["loss"] = nn::loss_name(settings_.loss);
    j["optimizer"] = nn::optimizer_name(settings_.optimizer);
    j["lr"] = settings_.lr;
    j["schedule"] = schedule_->describe();
    j["batch"] = settings_.batch > 0 ? nlohmann::json(settings_.batch) : nlohmann::json("full");
    j["seed"] = settings_.seed;
    j["steps"] = step_;
    j["steps_requested"] = settings_.steps;
    j["resumed_from_step"] = resume_ ? nlohmann::json(start_step_) : nlohmann::json(nullptr);
    j["interrupted"] = outcome == Outcome::interrupted;
    j["final_loss"] = metrics_.empty() ? nlohmann::json(nullptr) : nlohmann::json(metrics_.back().loss);
    j["final_psnr_db"] = final_psnr;
    j["wall_time_s"] = previous_elapsed_s_ + run_elapsed_s_;
    j["ms_per_step"] =
        steps_run > 0 ? 1000.0 * step_time_s_ / static_cast<double>(steps_run) : 0.0;
    // Data parallelism (docs/distributed.md): rank 0's time inside the step's allreduce.
    const nn::CommStats& comm = dist_->stats();
    j["distributed"] = dist_->name();
    j["ranks"] = ranks_;
    j["allreduce_bytes_per_step"] =
        comm.allreduce_calls > 0 ? comm.allreduce_bytes / comm.allreduce_calls : 0;
    j["allreduce_ms_per_step"] =
        steps_run > 0 ? 1000.0 * comm.allreduce_seconds / static_cast<double>(steps_run) : 0.0;
    std::vector<std::string> renders;
    for (const Size& s : options_.renders) renders.push_back("render_" + s.to_string() + ".png");
    j["renders"] = renders;
    write_text_file(path("summary.json"), j.dump(2) + "\n");
}

}  // namespace anvil::siren
