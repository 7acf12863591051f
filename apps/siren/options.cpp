// Command-line parsing for anvil-siren. CLI11 recognises the options; every value is taken as
// text and converted here, so each bad value gets the same kind of message: the flag, what
// was expected, and what was given.
#include "options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <map>

namespace anvil::siren {
namespace {

constexpr std::int64_t kNoLimit = std::int64_t{1} << 40;

std::string quoted(const std::string& text) { return "'" + text + "'"; }

// Options that only training reads: --render-only refuses them.
constexpr const char* kTrainingOnly[] = {"--image", "--max-pixels", "--train-size", "--steps",
                                         "--lr", "--schedule", "--optimizer", "--batch",
                                         "--seed", "--snapshot-every"};

// A whole-string integer in [lo, hi]; "+5", " 5", "5x" and "1e3" are refused.
std::int64_t parse_integer(const std::string& flag, const std::string& text, std::int64_t lo,
                           std::int64_t hi, const char* expected) {
    std::int64_t value = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (text.empty() || ec == std::errc::invalid_argument || end != last)
        throw UsageError(flag + ": expected " + expected + ", got " + quoted(text));
    if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
        // Only a real limit is worth showing; the others just guard against overflow.
        const std::string range = hi < kNoLimit ? " (" + std::to_string(lo) + " to " +
                                                      std::to_string(hi) + ")"
                                                : "";
        throw UsageError(flag + ": expected " + expected + range + ", got " + quoted(text));
    }
    return value;
}

// A whole-string finite number > 0.
double parse_positive(const std::string& flag, const std::string& text) {
    char* end = nullptr;
    const double value = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || std::isspace(text.front()))
        throw UsageError(flag + ": expected a positive number, got " + quoted(text));
    if (!std::isfinite(value) || value <= 0.0)
        throw UsageError(flag + ": expected a positive finite number, got " + quoted(text));
    return value;
}

std::string parse_choice(const std::string& flag, const std::string& text,
                         const std::vector<std::string>& choices) {
    std::string list;
    for (const auto& c : choices) {
        if (text == c) return text;
        list += (list.empty() ? "" : "|") + c;
    }
    throw UsageError(flag + ": expected " + list + ", got " + quoted(text));
}

// The raw text of every option, before conversion.
struct RawOptions {
    std::string backend = "auto", device, image, max_pixels, out, train_size, steps, lr, schedule = "cosine",
                optimizer = "adam", hidden, layers, omega0, first_omega0, activation = "sine",
                loss = "mse", batch = "full", seed, snapshot_every, resume, render_only,
                distributed = "auto";
    std::vector<std::string> renders, plugin_dirs;
    bool list_backends = false, quiet = false;
};

void add_options(CLI::App& app, RawOptions& raw) {
    // A repeated option takes its last value, as in most tools (handy after a shell alias).
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    app.add_option("--backend", raw.backend, "Backend name, or auto for the best available")
        ->default_str("auto");
    app.add_option("--device", raw.device, "Device index within the backend")->default_str("0");
    app.add_option("--plugin-dir", raw.plugin_dirs,
                   "Extra directory to search for backend plugins (repeatable)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_option("--image", raw.image,
                   "Image to fit: PNG, JPEG, GIF (first frame), BMP, TGA or binary PGM/PPM");
    app.add_option("--max-pixels", raw.max_pixels,
                   "Refuse images with more pixels than this (checked before decoding)")
        ->default_str(std::to_string(std::int64_t{1} << 28));
    app.add_option("--out", raw.out, "Output directory (created if needed)");
    app.add_option("--train-size", raw.train_size,
                   "Resize the image to WxH before training, or 'full' to keep its size")
        ->default_str("fit in " + std::to_string(kDefaultTrainSide) + "x" +
                      std::to_string(kDefaultTrainSide));
    app.add_option("--steps", raw.steps, "Total training steps (a resumed run continues to it)")
        ->default_str("700; longer training side over 128: as many as keep the pixels of a run (1400 at "
                      "256, 3600 at 512, 7600 at 1024)");
    app.add_option("--lr", raw.lr, "Learning rate")
        ->default_str("2e-3 (adam), 1e-2 (sgd); sine, longer training side over 256: "
                      "x 256 / side");
    app.add_option("--schedule", raw.schedule,
                   "Learning-rate schedule: constant, cosine (to lr/100), step (halve every "
                   "steps/4)")
        ->default_str("cosine");
    app.add_option("--optimizer", raw.optimizer, "adam or sgd (momentum 0.9)")
        ->default_str("adam");
    app.add_option("--hidden", raw.hidden, "Width of the hidden layers")->default_str("256");
    app.add_option("--layers", raw.layers, "Number of hidden layers")->default_str("3");
    app.add_option("--omega0", raw.omega0, "SIREN frequency of the hidden layers")
        ->default_str("30");
    app.add_option("--first-omega0", raw.first_omega0, "SIREN frequency of the first layer")
        ->default_str("--omega0 x max(1, 2 x longer training side / 256 - 1)");
    app.add_option("--activation", raw.activation, "sine, relu or tanh")->default_str("sine");
    app.add_option("--loss", raw.loss, "mse, or bce (sigmoid head; for binary images)")
        ->default_str("mse");
    app.add_option("--batch", raw.batch, "Random pixels per step, or full")
        ->default_str(std::to_string(kDefaultBatch) +
                      ", x 128 / longer training side beyond 128 (8192 at 256, 4096 at 512); full for "
                      "images of no more pixels");
    app.add_option("--seed", raw.seed, "Seed of the initial weights and batch sampling")
        ->default_str("0");
    app.add_option("--snapshot-every", raw.snapshot_every,
                   "Steps between snapshots and checkpoint saves")
        ->default_str("steps/10");
    app.add_option("--render", raw.renders, "Also render at WxH after training (repeatable)")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    app.add_option("--resume", raw.resume, "Continue training from a checkpoint");
    app.add_option("--render-only", raw.render_only,
                   "Render from a checkpoint without training (to --out)");
    app.add_option("--distributed", raw.distributed,
                   "Data-parallel training: auto (mpi under mpirun, else none), none, mpi, nccl")
        ->default_str("auto");
    app.add_flag("--list-backends", raw.list_backends, "List backends and exit");
    app.add_flag("--quiet", raw.quiet, "No progress output");

    const std::map<std::string, std::string> value_names = {
        {"backend", "NAME|auto"}, {"device", "N"}, {"plugin-dir", "DIR"}, {"image", "FILE"},
        {"max-pixels", "N"},
        {"out", "DIR"}, {"train-size", "WxH|full"}, {"steps", "N"}, {"lr", "RATE"},
        {"schedule", "NAME"}, {"optimizer", "NAME"}, {"hidden", "N"}, {"layers", "N"},
        {"omega0", "W0"}, {"first-omega0", "W0"}, {"activation", "NAME"}, {"loss", "NAME"},
        {"batch", "N|full"}, {"seed", "N"}, {"snapshot-every", "N"}, {"render", "WxH"},
        {"resume", "CKPT"}, {"render-only", "CKPT"}, {"distributed", "NAME"}};
    for (CLI::Option* opt : app.get_options()) {
        const auto& names = opt->get_lnames();
        if (names.empty()) continue;
        const auto it = value_names.find(names.front());
        if (it != value_names.end()) opt->type_name(it->second);
    }
}

Options convert(const RawOptions& raw, const CLI::App& app) {
    auto given = [&](const char* name) { return app.count(name) > 0; };
    Options o;
    for (const CLI::Option* opt : app.get_options())
        if (opt->count() > 0)
            for (const std::string& name : opt->get_lnames()) o.given.insert("--" + name);
    o.list_backends = raw.list_backends;
    o.quiet = raw.quiet;
    o.plugin_dirs = raw.plugin_dirs;
    if (raw.backend.empty()) throw UsageError("--backend: expected a backend name or auto");
    o.backend = raw.backend;
    if (given("--device"))
        o.device = static_cast<int>(parse_integer("--device", raw.device, 0, 1023,
                                                  "a device index"));
    o.image = raw.image;
    if (given("--max-pixels"))
        o.max_pixels = parse_integer("--max-pixels", raw.max_pixels, 1, kNoLimit,
                                     "a positive integer");
    o.out = raw.out;
    o.resume = raw.resume;
    o.render_only = raw.render_only;
    if (given("--train-size") && raw.train_size != "full")
        o.train_size = parse_size("--train-size", raw.train_size);
    o.train_size_full = given("--train-size") && raw.train_size == "full";
    for (const auto& r : raw.renders) o.renders.push_back(parse_size("--render", r));

    if (given("--hidden"))
        o.hidden = parse_integer("--hidden", raw.hidden, 1, 1 << 24, "a positive integer");
    if (given("--layers"))
        o.layers = parse_integer("--layers", raw.layers, 1, 1000, "a positive integer");
    if (given("--omega0")) o.omega0 = parse_positive("--omega0", raw.omega0);
    if (given("--first-omega0"))
        o.first_omega0 = parse_positive("--first-omega0", raw.first_omega0);
    o.activation = parse_choice("--activation", raw.activation, {"sine", "relu", "tanh"});
    o.loss = parse_choice("--loss", raw.loss, {"mse", "bce"});
    o.distributed = parse_choice("--distributed", raw.distributed, {"auto", "none", "mpi", "nccl"});

    if (given("--steps"))
        o.steps = parse_integer("--steps", raw.steps, 1, kNoLimit,
                                "a positive integer");
    if (given("--lr")) o.lr = parse_positive("--lr", raw.lr);
    o.schedule = parse_choice("--schedule", raw.schedule, {"constant", "cosine", "step"});
    o.optimizer = parse_choice("--optimizer", raw.optimizer, {"adam", "sgd"});
    if (raw.batch != "full")
        o.batch = parse_integer("--batch", raw.batch, 1, kNoLimit,
                                "a positive integer or full");
    if (given("--seed"))
        o.seed = static_cast<std::uint64_t>(parse_integer(
            "--seed", raw.seed, 0, std::numeric_limits<std::int64_t>::max(),
            "a non-negative integer"));
    if (given("--snapshot-every"))
        o.snapshot_every = parse_integer("--snapshot-every", raw.snapshot_every, 1,
                                         kNoLimit, "a positive integer");

    // Which inputs each mode needs.
    if (o.list_backends) return o;
    if (!o.render_only.empty() && !o.resume.empty())
        throw UsageError("--render-only and --resume cannot be combined");
    if (!o.render_only.empty()) {
        // Silently ignoring them would let a user believe they changed the render.
        std::string ignored;
        for (const char* flag : kTrainingOnly)
            if (o.was_given(flag)) ignored += (ignored.empty() ? "" : ", ") + std::string(flag);
        if (!ignored.empty())
            throw UsageError("--render-only renders a checkpoint without training; " + ignored +
                             " would be ignored, remove them");
    }
    if (o.out.empty()) throw UsageError("--out is required (the output directory)");
    if (o.render_only.empty() && o.image.empty())
        throw UsageError("--image is required (the image to fit)");
    return o;
}

}  // namespace

std::string Size::to_string() const {
    return std::to_string(width) + "x" + std::to_string(height);
}

double Options::learning_rate() const {
    return lr.value_or(optimizer == "sgd" ? 1e-2 : 2e-3);
}

std::int64_t Options::snapshot_interval() const {
    return snapshot_every.value_or(std::max<std::int64_t>(1, steps / 10));
}

Size parse_size(const std::string& flag, const std::string& text) {
    const auto x = text.find_first_of("xX");
    if (x == std::string::npos)
        throw UsageError(flag + ": expected WIDTHxHEIGHT such as 256x256, got " + quoted(text));
    const char* what = "WIDTHxHEIGHT with positive integers";
    Size s;
    try {
        s.width = static_cast<int>(parse_integer(flag, text.substr(0, x), 1, kMaxSide, what));
        s.height = static_cast<int>(parse_integer(flag, text.substr(x + 1), 1, kMaxSide, what));
    } catch (const UsageError&) {
        throw UsageError(flag + ": expected WIDTHxHEIGHT with both sides from 1 to " +
                         std::to_string(kMaxSide) + ", got " + quoted(text));
    }
    return s;
}

bool is_training_only_flag(const std::string& flag) {
    for (const char* own : kTrainingOnly)
        if (flag == own) return true;
    return false;
}

std::optional<Options> parse_options(int argc, char** argv) {
    CLI::App app{"anvil-siren: fits a SIREN (sine-activated MLP) to an image on any anvil "
                 "backend and renders it at any resolution.",
                 "anvil-siren"};
    app.get_formatter()->column_width(34);
    app.footer("Example: anvil-siren --backend cpu --image data/cameraman.png --out "
               "runs/cameraman\nSee docs/siren.md for the outputs and the checkpoint format.");
    RawOptions raw;
    add_options(app, raw);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return std::nullopt;
    } catch (const CLI::ParseError& e) {
        throw UsageError(std::string(e.what()) + " (see --help)");
    }
    return convert(raw, app);
}

}  // namespace anvil::siren
