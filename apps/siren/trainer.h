// One anvil-siren training run: the image and its coordinates on the device, the model,
// optimizer, loss and schedule, the step loop with snapshots, checkpoints and progress, and
// the outputs written at the end (or on SIGINT/SIGTERM). Used by run_training (app.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "anvil/anvil.h"
#include "anvil/nn/nn.h"
#include "distributed.h"
#include "image.h"
#include "options.h"
#include "outputs.h"
#include "progress.h"
#include "session.h"
#include "settings.h"

namespace anvil::siren {

class Trainer {
public:
    explicit Trainer(const Options& options);
    // Prepares everything (all checks happen here, before any step), trains, writes the
    // outputs. Returns an exit status.
    int run();

private:
    enum class Outcome { finished, interrupted, diverged };

    void prepare();
    void load_training_image();
    void build_model();
    void upload_data();
    Outcome train();
    void sample_batch();
    void save_snapshot(std::int64_t step);
    void save_checkpoint(std::int64_t step);
    // Every rank: its batch sampler's state to rank 0 (for the checkpoint's train.batch_rng.*).
    void collect_batch_rngs();
    // Every rank: the parameters' checksum against rank 0's (distributed runs).
    void check_parameters(std::int64_t step);
    void reduce_step();
    bool is_root() const { return rank_ == 0; }
    nn::Communicator& host_comm() const { return dist_.bootstrap ? *dist_.bootstrap : *dist_.comm; }
    void write_outputs(Outcome outcome);
    void write_timeline() const;
    void write_summary(Outcome outcome, double final_psnr) const;
    [[noreturn]] void report_divergence() const;
    std::string path(const std::string& name) const;
    void note(const std::string& message) const;

    Options options_;
    Distribution dist_;
    int rank_ = 0, ranks_ = 1;
    bool reducing_ = false;       // allreduce each step (every communicator but local)
    Shard shard_;                 // this rank's rows of the training image
    std::int64_t local_batch_ = 0;  // this rank's pixels per step with --batch
    std::uint64_t image_hash_ = 0;
    std::vector<std::string> batch_rngs_;  // rank 0: every rank's sampler state
    Placement placement_;
    std::optional<nn::Checkpoint> resume_;
    TrainSettings settings_;
    TrainState state_;

    Image source_;  // as loaded
    ImageInfo source_info_;
    Image image_;   // at the training size
    Extent extent_;

    std::unique_ptr<nn::Mlp> model_;
    std::unique_ptr<nn::Optimizer> optimizer_;
    std::optional<nn::LrSchedule> schedule_;
    std::optional<nn::Loss> loss_;
    nn::Rng batch_rng_;
    nn::MlpContext ctx_;

    // This rank's shard of the image on the device: coords: (P_r, 2), targets: (P_r, C).
    Tensor coords_, targets_;
    // With --batch B: host staging and device batch, x: (B, 2), t: (B, C).
    std::vector<float> host_coords_, host_targets_, batch_x_host_, batch_t_host_;
    Tensor batch_x_, batch_t_;
    Tensor grad_, loss_value_, mse_value_;  // grad: (N, C); scalars
    Tensor stop_flag_;                     // (1): 1 when this rank was asked to stop
    std::vector<Tensor*> reduced_;         // what one step allreduces, as one fused buffer

    std::int64_t start_step_ = 0;
    std::int64_t step_ = 0;
    std::int64_t last_checkpoint_step_ = -1;
    std::string last_checkpoint_path_;  // where that checkpoint is: --resume's file until a save
    std::vector<std::int64_t> snapshot_steps_;
    std::vector<MetricRow> metrics_;
    double previous_elapsed_s_ = 0.0;
    double run_elapsed_s_ = 0.0;
    double step_time_s_ = 0.0;  // pure training steps, without snapshots and checkpoints
    double diverged_loss_ = 0.0;
    Progress::Mode progress_mode_;
};

}  // namespace anvil::siren
