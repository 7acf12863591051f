// The anvil-siren training run (see trainer.h): setup and every check first, then the step
// loop. Outputs and the summary are in trainer_outputs.cpp.
#include "trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>

#include "app.h"
#include "budget.h"
#include "interrupt.h"
#include "render.h"

namespace anvil::siren {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

Trainer::Trainer(const Options& options)
    : options_(options), progress_mode_(Progress::detect(options.quiet)) {}

std::string Trainer::path(const std::string& name) const {
    return (std::filesystem::path(options_.out) / name).string();
}

void Trainer::note(const std::string& message) const {
    if (progress_mode_ != Progress::Mode::quiet) std::fprintf(stderr, "%s\n", message.c_str());
}

void Trainer::prepare() {
    // One rank per GPU: with nccl each rank takes the device of its index on its host.
    const bool nccl = resolve_distributed(options_.distributed) == "nccl";
    const int device_index = nccl && !options_.was_given("--device") ? host_comm().local_rank()
                                                                      : options_.device;
    placement_ = open_device(options_.backend, device_index, options_.plugin_dirs,
                             [this](const std::string& line) { note(line); });
    if (nccl) open_nccl_communicator(dist_, placement_.device);
    if (is_root()) prepare_output_dir(options_.out);
    source_ = load_image(options_.image, &source_info_, ImageLimits::for_pixels(options_.max_pixels));
    if (!options_.resume.empty()) {
        resume_ = nn::Checkpoint::read(options_.resume);
        require_finite_tensors(*resume_, "");
        settings_ = settings_for_resume(options_, *resume_, source_.channels);
    } else {
        settings_ = settings_for_new_run(options_, source_.channels);
    }
    check_render_budget(options_.renders, source_.channels);
    load_training_image();
    // Larger images: more steps, smaller batches (below), a higher first-layer frequency and a
    // lower learning rate by default (settings.h).
    if (!resume_ && !options_.was_given("--steps")) {
        settings_.steps = default_steps(options_.steps, image_.width, image_.height);
        if (!options_.was_given("--snapshot-every"))
            settings_.snapshot_every = std::max<std::int64_t>(1, settings_.steps / 10);
    }
    if (!resume_ && settings_.config.activation == Activation::sine) {
        if (!options_.was_given("--first-omega0"))
            settings_.config.first_omega0 =
                default_first_omega0(settings_.config.omega0, image_.width, image_.height);
        if (!options_.was_given("--lr"))
            settings_.lr = default_sine_lr(settings_.lr, image_.width, image_.height);
    }
    if (!resume_ && !options_.was_given("--batch")) {
        const std::int64_t batch = default_batch(image_.width, image_.height);
        if (image_.pixel_count() > batch) settings_.batch = batch;
    }
    if (settings_.batch >= image_.pixel_count()) {
        // On a resume without --batch the batch is the checkpoint's: say so, since the user
        // typed no --batch (a smaller --train-size than the checkpoint's is how this happens).
        const bool from_checkpoint = resume_ && !options_.was_given("--batch");
        const std::string batch = std::to_string(settings_.batch);
        throw UsageError((from_checkpoint ? "the checkpoint's batch of " + batch : "--batch " + batch) +
                         " is not less than the " + std::to_string(image_.pixel_count()) +
                         " training pixels; use --batch full" +
                         (from_checkpoint ? " or a smaller --batch" : ""));
    }
    shard_ = shard_for(image_.width, image_.height, rank_, ranks_);
    local_batch_ = settings_.batch > 0
                       ? batch_share(settings_.batch, image_.width, image_.height, rank_, ranks_)
                       : 0;
    check_training_device_budget(settings_.config, local_batch_ > 0 ? local_batch_ : shard_.pixels,
                                 *placement_.device);
    build_model();
    upload_data();
    if (is_root()) std::filesystem::create_directories(path("snapshots"));
}

void Trainer::load_training_image() {
    int w = source_.width, h = source_.height;
    if (settings_.train_size) {
        w = settings_.train_size->width;
        h = settings_.train_size->height;
    } else if (!settings_.train_size_full) {
        fit_within(source_.width, source_.height, kDefaultTrainSide, w, h);
    }
    const Size size{w, h};
    check_host_budget("training at " + size.to_string(), training_host_bytes(size, source_.channels));
    image_ = resize_image(source_, w, h);
    image_hash_ = fnv1a(image_.pixels.data(), image_.pixels.size() * sizeof(float));
    extent_ = extent_for(w, h);
    state_.image = options_.image;
    state_.width = w;
    state_.height = h;
    state_.channels = image_.channels;
    state_.backend = placement_.backend->name();
    state_.device = placement_.device->name();
}

void Trainer::build_model() {
    model_ = std::make_unique<nn::Mlp>(settings_.config, placement_.device);
    optimizer_ = nn::make_optimizer(settings_.optimizer, model_->parameters());
    if (resume_) {
        resume_->restore_model(*model_);
        resume_->restore_optimizer(*optimizer_);
        start_step_ = resume_->step();
        const TrainState saved = read_train_state(*resume_);
        previous_elapsed_s_ = saved.elapsed_s;
        if (start_step_ >= settings_.steps)
            throw UsageError("--steps " + std::to_string(settings_.steps) + ": the checkpoint is "
                             "already at step " + std::to_string(start_step_) +
                             "; ask for more steps to continue");
        // The same batch sequence as an uninterrupted run, when the batch size and the number
        // of ranks are unchanged; otherwise new streams for this number of ranks.
        const bool same_batch = resume_->setting("train.batch") == std::to_string(settings_.batch) &&
                                resume_->setting("train.ranks", "1") == std::to_string(ranks_);
        const std::string saved_rng =
            rank_ == 0 ? saved.batch_rng
                       : resume_->setting("train.batch_rng." + std::to_string(rank_));
        batch_rng_ = same_batch && !saved_rng.empty()
                         ? nn::Rng::from_string(saved_rng)
                         : nn::Rng(batch_seed(settings_.seed, rank_, ranks_, start_step_));
        if (is_root()) {
            metrics_ = read_metrics(path("metrics.csv"), start_step_);
            for (std::int64_t s : list_snapshots(path("snapshots")))
                if (s <= start_step_) snapshot_steps_.push_back(s);
        }
        last_checkpoint_step_ = start_step_;
        last_checkpoint_path_ = options_.resume;
    } else {
        model_->initialize(settings_.seed);
        batch_rng_ = nn::Rng(batch_seed(settings_.seed, rank_, ranks_, 0));
    }
    step_ = start_step_;
    schedule_ = make_schedule(settings_);
    loss_.emplace(settings_.loss);
}

void Trainer::upload_data() {
    // Only this rank's rows: with N ranks each holds about 1/N of the pixel data.
    const std::int64_t pixels = shard_.pixels;
    const std::int64_t channels = image_.channels;
    host_coords_ = grid_rows(image_.width, image_.height, extent_, shard_.row_begin, shard_.row_end);
    Image rows(image_.width, shard_.row_end - shard_.row_begin, image_.channels);
    const std::size_t row_floats = static_cast<std::size_t>(image_.width) * image_.channels;
    std::copy_n(image_.pixels.begin() + static_cast<std::ptrdiff_t>(row_floats * shard_.row_begin),
                rows.pixels.size(), rows.pixels.begin());
    host_targets_ = encode_targets(rows, target_range(settings_.config));
    const auto& device = placement_.device;
    coords_ = Tensor::from_vector(host_coords_, Shape{pixels, 2}, device);
    targets_ = Tensor::from_vector(host_targets_, Shape{pixels, channels}, device);
    const std::int64_t n = local_batch_ > 0 ? local_batch_ : pixels;
    if (local_batch_ > 0) {
        batch_x_ = Tensor::empty(Shape{n, 2}, DType::f32, device);
        batch_t_ = Tensor::empty(Shape{n, channels}, DType::f32, device);
        batch_x_host_.resize(static_cast<std::size_t>(n) * 2);
        batch_t_host_.resize(static_cast<std::size_t>(n * channels));
    } else {
        // Full batch: the host copies are no longer needed.
        host_coords_ = {};
        host_targets_ = {};
    }
    grad_ = Tensor::empty(Shape{n, channels}, DType::f32, device);
    loss_value_ = nn::Loss::make_scalar(grad_);
    mse_value_ = nn::Loss::make_scalar(grad_);
    if (reducing_) {
        // One fused allreduce per step: every gradient, the loss (and bce's squared error),
        // and the stop flag, so that all ranks agree on the loss and on when to stop.
        stop_flag_ = Tensor::zeros(Shape{1}, DType::f32, device);
        for (const nn::Parameter& p : model_->parameters()) reduced_.push_back(p.grad);
        reduced_.push_back(&loss_value_);
        if (settings_.loss != nn::LossKind::mse) reduced_.push_back(&mse_value_);
        reduced_.push_back(&stop_flag_);
        // The other ranks never render or score: only rank 0 keeps the whole image.
        if (!is_root()) image_.pixels = {}, source_.pixels = {};
    }
}

// Random pixels (with replacement) from the host copy, uploaded into the batch tensors.
void Trainer::sample_batch() {
    const auto pixels = static_cast<std::uint64_t>(shard_.pixels);
    const auto channels = static_cast<std::size_t>(image_.channels);
    const auto n = static_cast<std::size_t>(local_batch_);
    for (std::size_t i = 0; i < n; ++i) {
        const auto p = static_cast<std::size_t>(batch_rng_.below(pixels));
        batch_x_host_[2 * i] = host_coords_[2 * p];
        batch_x_host_[2 * i + 1] = host_coords_[2 * p + 1];
        for (std::size_t c = 0; c < channels; ++c)
            batch_t_host_[i * channels + c] = host_targets_[p * channels + c];
    }
    batch_x_.upload(batch_x_host_);
    batch_t_.upload(batch_t_host_);
}

void Trainer::save_snapshot(std::int64_t step) {
    write_png(path(snapshot_name(step)), render(*model_, image_.width, image_.height, extent_,
                                                target_range(settings_.config)));
    if (snapshot_steps_.empty() || snapshot_steps_.back() != step) snapshot_steps_.push_back(step);
}

void Trainer::save_checkpoint(std::int64_t step) {
    state_.elapsed_s = previous_elapsed_s_ + run_elapsed_s_;
    state_.batch_rng = batch_rng_.to_string();
    auto metadata = checkpoint_metadata(settings_, state_);
    // train.ranks and each other rank's sampler state: a resume with as many ranks draws the
    // batches an uninterrupted run would; with another number it starts new streams.
    metadata["train.ranks"] = std::to_string(ranks_);
    for (std::size_t r = 1; r < batch_rngs_.size(); ++r)
        metadata["train.batch_rng." + std::to_string(r)] = batch_rngs_[r];
    nn::save_checkpoint(path("model.safetensors"), *model_, optimizer_.get(), step, metadata);
    last_checkpoint_step_ = step;
    last_checkpoint_path_ = path("model.safetensors");
}

void Trainer::collect_batch_rngs() {
    if (ranks_ == 1 || local_batch_ == 0) return;
    batch_rngs_.assign(static_cast<std::size_t>(ranks_), {});
    const std::string mine = batch_rng_.to_string();
    for (int r = 0; r < ranks_; ++r)
        batch_rngs_[static_cast<std::size_t>(r)] = host_comm().broadcast_string(mine, r);
}

void Trainer::check_parameters(std::int64_t step) {
    if (ranks_ > 1) check_ranks_agree(host_comm(), parameter_checksum(*model_), "the parameters", step);
}

// Each rank's loss and gradients are means over its own pixels; weighted by its share of the
// image and summed over ranks they are the whole batch's mean (uneven shards included).
void Trainer::reduce_step() {
    affine_into(grad_, shard_.weight, 0.0, grad_);
    affine_into(loss_value_, shard_.weight, 0.0, loss_value_);
    if (settings_.loss != nn::LossKind::mse) affine_into(mse_value_, shard_.weight, 0.0, mse_value_);
}

Trainer::Outcome Trainer::train() {
    const bool batched = settings_.batch > 0;
    const bool mse = settings_.loss == nn::LossKind::mse;
    Progress progress(progress_mode_, start_step_, settings_.steps);
    const auto run_start = Clock::now();
    while (step_ < settings_.steps) {
        const auto step_start = Clock::now();
        if (batched) sample_batch();
        const Tensor& x = batched ? batch_x_ : coords_;
        const Tensor& t = batched ? batch_t_ : targets_;
        const Tensor& y = model_->forward(x, ctx_, /*training=*/true);
        loss_->compute(y, t, loss_value_, &grad_);
        if (!mse) mse_loss_grad(y, t, mse_value_, nullptr);
        bool stop = false;
        if (reducing_) {
            reduce_step();
            stop_flag_.upload(std::vector<float>{interrupt_requested() ? 1.0f : 0.0f});
            model_->backward(ctx_, grad_);
            dist_->allreduce_sum(reduced_);
            stop = stop_flag_.item() > 0.0;
        }
        const double loss = nn::loss_value(loss_value_);
        if (!std::isfinite(loss)) {
            // Recorded so that metrics.csv shows where it blew up; the update is not applied.
            metrics_.push_back({step_ + 1, loss, NAN, schedule_->lr_at(step_),
                                previous_elapsed_s_ + seconds_since(run_start)});
            progress.finish();
            diverged_loss_ = loss;
            return Outcome::diverged;
        }
        // mse trains on [-1, 1], four times the [0, 1] range's squared error; bce needs
        // a separate squared error of its probabilities.
        const double mse01 = mse ? loss / 4.0 : nn::loss_value(mse_value_);
        if (!reducing_) model_->backward(ctx_, grad_);
        const double lr = schedule_->lr_at(step_);
        optimizer_->step(lr);
        ++step_;
        step_time_s_ += seconds_since(step_start);
        run_elapsed_s_ = seconds_since(run_start);
        const double psnr = psnr_from_mse(mse01);
        metrics_.push_back({step_, loss, psnr, lr, previous_elapsed_s_ + run_elapsed_s_});
        progress.update(step_, loss, psnr);

        if (step_ % settings_.snapshot_every == 0 && step_ < settings_.steps) {
            check_parameters(step_);
            collect_batch_rngs();
            if (is_root()) {
                save_snapshot(step_);
                save_checkpoint(step_);
                write_text_file(path("metrics.csv"), format_metrics(metrics_));
            }
        }
        if (reducing_ ? stop : interrupt_requested()) {
            progress.finish();
            return Outcome::interrupted;
        }
    }
    progress.finish();
    return Outcome::finished;
}

void Trainer::report_divergence() const {
    const std::int64_t failed_step = step_ + 1;
    std::string kept = last_checkpoint_step_ >= 0
                           ? last_checkpoint_path_ + " keeps the last good checkpoint (step " +
                                 std::to_string(last_checkpoint_step_) + ")"
                           : "no checkpoint had been saved yet (the first save is at step " +
                                 std::to_string(settings_.snapshot_every) + ")";
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", settings_.lr / 10);
    throw Error("[train] the loss became " + std::string(std::isnan(diverged_loss_) ? "NaN" : "infinite") +
                " at step " + std::to_string(failed_step) + "; training stopped and " + kept +
                "; try a lower learning rate, e.g. --lr " + lr);
}

int Trainer::run() {
    install_interrupt_handlers();
    dist_ = open_distribution(options_.distributed);
    rank_ = host_comm().rank();
    ranks_ = host_comm().size();
    // Any communicator but the local one reduces every step, one rank included: mpirun -np 1
    // and one-GPU nccl runs take the same path as many ranks (weight 1, sums of one).
    reducing_ = resolve_distributed(options_.distributed) != "none";
    if (!is_root()) progress_mode_ = Progress::Mode::quiet;  // rank 0 speaks for the job
    check_same_configuration(host_comm(), configuration_of(options_));
    std::exception_ptr failure;
    try {
        prepare();
    } catch (...) {
        failure = std::current_exception();
    }
    agree_on_setup(host_comm(), failure);
    if (ranks_ > 1) {
        check_ranks_agree(host_comm(), image_hash_, "the training image (--image, --train-size)",
                          start_step_);
        check_parameters(start_step_);
    }
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", settings_.lr);
    note("anvil-siren: " + settings_.config.describe() + " (" +
         std::to_string(model_->parameter_count()) + " parameters) on " +
         placement_.device->name() + "; " + options_.image + " " +
         std::to_string(source_.width) + "x" + std::to_string(source_.height) + " trained at " +
         std::to_string(image_.width) + "x" + std::to_string(image_.height) + ", " +
         (settings_.batch > 0 ? "batch " + std::to_string(settings_.batch) : "full batch") +
         ", " + nn::optimizer_name(settings_.optimizer) + " lr " + lr + " " +
         nn::schedule_name(settings_.schedule) + ", steps " + std::to_string(start_step_) +
         " -> " + std::to_string(settings_.steps) +
         (reducing_ ? ", " + std::to_string(ranks_) + " rank(s) (" + dist_->name() + ")" : ""));
    if (!resume_ && is_root()) save_snapshot(0);
    const Outcome outcome = train();
    if (outcome == Outcome::diverged) {
        if (!is_root()) throw QuietExit{kExitOk};  // rank 0 reports it (QuietExit)
        write_text_file(path("metrics.csv"), format_metrics(metrics_));
        report_divergence();
    }
    check_parameters(step_);
    collect_batch_rngs();
    // Rank 0 writes the outputs and exits with the job's status (130 when interrupted); an
    // earlier non-zero exit here would make mpirun abort it halfway (QuietExit).
    if (!is_root()) return kExitOk;
    if (outcome == Outcome::interrupted)
        note(std::string("anvil-siren: ") + interrupt_signal_name() + " at step " +
             std::to_string(step_) + ": writing the checkpoint and outputs, then exiting");
    write_outputs(outcome);
    return outcome == Outcome::interrupted ? kExitInterrupted : kExitOk;
}

int run_training(const Options& options) {
    Trainer trainer(options);
    return trainer.run();
}

}  // namespace anvil::siren
