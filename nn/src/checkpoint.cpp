// Training checkpoints on top of safetensors: what goes into the metadata, and a reader that
// validates the architecture and every tensor before anything is copied into a model.
#include "anvil/nn/checkpoint.h"

#include <cerrno>
#include <cstdlib>
#include <set>

#include "anvil/error.h"
#include "internal.h"

namespace anvil::nn {

namespace {
constexpr const char* kFormat = "anvil-mlp";
constexpr int kFormatVersion = 1;
constexpr const char* kOptimizerPrefix = "optimizer.";

std::string bool_text(bool value) { return value ? "true" : "false"; }

std::map<std::string, std::string> architecture_metadata(const MlpConfig& c) {
    return {{"arch.in_features", std::to_string(c.in_features)},
            {"arch.out_features", std::to_string(c.out_features)},
            {"arch.hidden", std::to_string(c.hidden)},
            {"arch.hidden_layers", std::to_string(c.hidden_layers)},
            {"arch.activation", activation_name(c.activation)},
            {"arch.omega0", exact_double(c.omega0)},
            {"arch.first_omega0", exact_double(c.first_omega0)},
            {"arch.sigmoid_head", bool_text(c.sigmoid_head)},
            {"arch.bias", bool_text(c.bias)}};
}

// Calls visit(name, shape) for each parameter the architecture implies, in Mlp::parameters()
// order. A visitor rather than a list: the checkpoint reader throws at the first tensor the
// file lacks, so the work is bounded by the file, never by a claimed "arch.hidden_layers":
// 10^12 used to build a list until the host ran out of memory (issue 13).
template <typename Visit> void for_each_expected_parameter(const MlpConfig& c, Visit&& visit) {
    for (std::int64_t i = 0; i <= c.hidden_layers; ++i) {
        const std::int64_t in = i == 0 ? c.in_features : c.hidden;
        const std::int64_t width = i == c.hidden_layers ? c.out_features : c.hidden;
        const std::string prefix = "layers." + std::to_string(i) + ".";
        visit(prefix + "weight", Shape{width, in});
        if (c.bias) visit(prefix + "bias", Shape{width});
    }
}

// Reads typed metadata values, naming the key and the bad value in its errors.
class MetadataReader {
public:
    MetadataReader(const std::map<std::string, std::string>& metadata, std::string prefix)
        : metadata_(metadata), prefix_(std::move(prefix)) {}

    [[noreturn]] void fail(const std::string& what) const { throw Error(prefix_ + what); }

    const std::string& text(const std::string& key) const {
        const auto it = metadata_.find(key);
        if (it == metadata_.end()) fail("not an anvil checkpoint: metadata lacks '" + key + "'");
        return it->second;
    }
    std::int64_t integer(const std::string& key) const {
        const std::string& value = text(key);
        char* end = nullptr;
        errno = 0;
        const long long parsed = std::strtoll(value.c_str(), &end, 10);
        if (value.empty() || *end != '\0' || errno != 0) bad(key, value, "an integer");
        return parsed;
    }
    double real(const std::string& key) const {
        const std::string& value = text(key);
        char* end = nullptr;
        const double parsed = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0') bad(key, value, "a number");
        return parsed;
    }
    bool boolean(const std::string& key) const {
        const std::string& value = text(key);
        if (value != "true" && value != "false") bad(key, value, "true or false");
        return value == "true";
    }

private:
    [[noreturn]] void bad(const std::string& key, const std::string& value,
                          const char* kind) const {
        fail("metadata '" + key + "' is '" + value + "', expected " + kind);
    }
    const std::map<std::string, std::string>& metadata_;
    std::string prefix_;
};
}  // namespace

void save_checkpoint(const std::string& path, const Mlp& model, const Optimizer* optimizer,
                     std::int64_t step, const std::map<std::string, std::string>& settings) {
    const std::string tag = "[checkpoint] " + path + ": ";
    if (step < 0) throw Error(tag + "step must be >= 0, got " + std::to_string(step));
    SafetensorsFile file;
    file.metadata = architecture_metadata(model.config());
    file.metadata["format"] = kFormat;
    file.metadata["format_version"] = std::to_string(kFormatVersion);
    file.metadata["step"] = std::to_string(step);
    file.metadata["dtype"] = dtype_name(model.dtype());
    file.metadata["optimizer"] = optimizer ? optimizer_name(optimizer->kind()) : "none";
    for (const auto& [name, value] : model.named_parameters())
        file.tensors.push_back(HostTensor::from_tensor(name, *value));
    if (optimizer) {
        file.metadata["optimizer.steps"] = std::to_string(optimizer->steps());
        for (const auto& [key, value] : optimizer->hyperparameters())
            file.metadata[kOptimizerPrefix + key] = value;
        for (const StateTensor& s : optimizer->state())
            file.tensors.push_back(HostTensor::from_tensor(kOptimizerPrefix + s.name, *s.value));
    }
    for (const auto& [key, value] : settings) {
        if (file.metadata.count(key) || key.rfind("arch.", 0) == 0 ||
            key.rfind(kOptimizerPrefix, 0) == 0)
            throw Error(tag + "setting key '" + key + "' is reserved for the checkpoint itself");
        file.metadata[key] = value;
    }
    const std::vector<std::byte> bytes = encode_safetensors(file);
    write_file_atomically(path, bytes.data(), bytes.size(), "checkpoint");
}

Checkpoint Checkpoint::read(const std::string& path) {
    return decode(detail::read_file_bytes(path, "checkpoint"), path);
}

Checkpoint Checkpoint::decode(const std::vector<std::byte>& bytes, const std::string& path) {
    Checkpoint ck;
    ck.path_ = path;
    ck.file_ = detail::decode_safetensors_tagged(bytes, "checkpoint", path);
    const MetadataReader meta(ck.file_.metadata, "[checkpoint] " + path + ": ");
    if (meta.text("format") != kFormat)
        meta.fail("not an anvil checkpoint: metadata 'format' is '" + meta.text("format") +
                  "', expected '" + kFormat + "'");
    if (meta.text("format_version") != std::to_string(kFormatVersion))
        meta.fail("format version " + meta.text("format_version") +
                  " is not the one this anvil reads (" + std::to_string(kFormatVersion) + ")");
    MlpConfig& c = ck.config_;
    c.in_features = meta.integer("arch.in_features");
    c.out_features = meta.integer("arch.out_features");
    c.hidden = meta.integer("arch.hidden");
    c.hidden_layers = meta.integer("arch.hidden_layers");
    c.omega0 = meta.real("arch.omega0");
    c.first_omega0 = meta.real("arch.first_omega0");
    c.sigmoid_head = meta.boolean("arch.sigmoid_head");
    c.bias = meta.boolean("arch.bias");
    try {
        c.activation = parse_activation(meta.text("arch.activation"));
        c.validate();
        ck.dtype_ = parse_dtype(meta.text("dtype"));
    } catch (const Error& e) {
        meta.fail(std::string("invalid architecture: ") + e.what());
    }
    if (!is_floating(ck.dtype_)) meta.fail("invalid architecture: dtype " + meta.text("dtype"));
    ck.step_ = meta.integer("step");
    if (ck.step_ < 0) meta.fail("metadata 'step' is negative: " + std::to_string(ck.step_));
    ck.optimizer_ = meta.text("optimizer");
    if (ck.optimizer_ != "none") {
        try {
            parse_optimizer(ck.optimizer_);
        } catch (const Error& e) {
            meta.fail(e.what());
        }
        if (meta.integer("optimizer.steps") < 0)
            meta.fail("metadata 'optimizer.steps' is negative");
    }
    // Every parameter the architecture implies, with its shape and the checkpoint's dtype.
    for_each_expected_parameter(c, [&](const std::string& name, const Shape& shape) {
        const HostTensor* t = ck.file_.find(name);
        if (!t) meta.fail("missing tensor '" + name + "'");
        if (t->shape != shape)
            meta.fail("tensor '" + name + "' has shape " + t->shape.to_string() +
                      ", the architecture " + c.describe() + " needs " + shape.to_string());
        if (t->dtype != ck.dtype_)
            meta.fail("tensor '" + name + "' is " + dtype_name(t->dtype) +
                      ", the checkpoint's dtype is " + dtype_name(ck.dtype_));
    });
    return ck;
}

std::string Checkpoint::setting(const std::string& key, const std::string& fallback) const {
    const auto it = file_.metadata.find(key);
    return it == file_.metadata.end() ? fallback : it->second;
}

void Checkpoint::require_config(const MlpConfig& wanted, DType dtype) const {
    const MlpConfig& have = config_;
    const std::string tag = "[checkpoint] " + path_ + ": checkpoint ";
    auto layers = [](const MlpConfig& c) {
        return std::to_string(c.hidden_layers) + "x" + std::to_string(c.hidden);
    };
    if (have.hidden != wanted.hidden || have.hidden_layers != wanted.hidden_layers)
        throw Error(tag + "has " + layers(have) + " hidden layers, " + layers(wanted) +
                    " asked for (hidden " + std::to_string(wanted.hidden) + ", layers " +
                    std::to_string(wanted.hidden_layers) + ")");
    if (have.in_features != wanted.in_features)
        throw Error(tag + "takes " + std::to_string(have.in_features) + " inputs, " +
                    std::to_string(wanted.in_features) + " asked for");
    if (have.out_features != wanted.out_features)
        throw Error(tag + "has " + std::to_string(have.out_features) + " output channels, " +
                    std::to_string(wanted.out_features) + " asked for");
    if (have.activation != wanted.activation)
        throw Error(tag + "uses " + activation_name(have.activation) + " activations, " +
                    activation_name(wanted.activation) + " asked for");
    if (have.activation == Activation::sine && have.omega0 != wanted.omega0)
        throw Error(tag + "has omega0 " + detail::format_number(have.omega0) + ", " +
                    detail::format_number(wanted.omega0) + " asked for");
    if (have.activation == Activation::sine && have.first_omega0 != wanted.first_omega0)
        throw Error(tag + "has first-layer omega0 " + detail::format_number(have.first_omega0) +
                    ", " + detail::format_number(wanted.first_omega0) + " asked for");
    if (have.sigmoid_head != wanted.sigmoid_head)
        throw Error(
            tag + (have.sigmoid_head ? "has a sigmoid head (bce)" : "has a linear head (mse)") +
            ", " + (wanted.sigmoid_head ? "a sigmoid head" : "a linear head") + " asked for");
    if (have.bias != wanted.bias)
        throw Error(tag + (have.bias ? "has biases" : "has no biases") + ", a model " +
                    (wanted.bias ? "with" : "without") + " biases asked for");
    if (dtype_ != dtype)
        throw Error(tag + "holds " + dtype_name(dtype_) + " parameters, " + dtype_name(dtype) +
                    " asked for");
}

void Checkpoint::restore_model(Mlp& model) const {
    require_config(model.config(), model.dtype());
    for (const Parameter& p : model.parameters()) {
        const HostTensor* t = file_.find(p.name);
        if (!t) throw Error("[checkpoint] " + path_ + ": missing tensor '" + p.name + "'");
        t->copy_to(*p.value, "checkpoint");
    }
}

void Checkpoint::restore_optimizer(Optimizer& optimizer) const {
    const std::string tag = "[checkpoint] " + path_ + ": ";
    const std::string wanted = optimizer_name(optimizer.kind());
    if (optimizer_ == "none") throw Error(tag + "holds no optimizer state (saved without one)");
    if (optimizer_ != wanted)
        throw Error(tag + "checkpoint was trained with " + optimizer_ + ", " + wanted +
                    " asked for");
    // The file's state tensors must be exactly the ones this optimizer keeps (SGD with and
    // without momentum differ), so nothing is silently dropped or left at zero.
    std::set<std::string> in_file;
    for (const HostTensor& t : file_.tensors)
        if (t.name.rfind(kOptimizerPrefix, 0) == 0) in_file.insert(t.name);
    std::vector<std::pair<const HostTensor*, Tensor*>> copies;
    for (const StateTensor& s : optimizer.state()) {
        const std::string name = kOptimizerPrefix + s.name;
        const HostTensor* t = file_.find(name);
        if (!t) throw Error(tag + "missing tensor '" + name + "' of the " + wanted + " state");
        if (t->dtype != s.value->dtype() || t->shape != s.value->shape())
            throw Error(tag + "tensor '" + name + "' is " + dtype_name(t->dtype) + " " +
                        t->shape.to_string() + ", the optimizer keeps " + s.value->describe());
        copies.emplace_back(t, s.value);
        in_file.erase(name);
    }
    if (!in_file.empty())
        throw Error(tag + "holds " + wanted + " state '" + *in_file.begin() +
                    "' that the optimizer asked for does not keep (different momentum?)");
    const std::int64_t steps = MetadataReader(file_.metadata, tag).integer("optimizer.steps");
    // Validated in full: only now does anything change.
    for (const auto& [host, dst] : copies) host->copy_to(*dst, "checkpoint");
    optimizer.set_steps(steps);
}

}  // namespace anvil::nn
