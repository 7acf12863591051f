// The train.* metadata anvil-siren reads back from a checkpoint (settings.cpp): values out of
// range are refused with the file's name and the key, never narrowed into another size. A
// train.width of 2^32 used to become 0 and crash --render-only with SIGFPE (issue 13; also
// replayed from tests/fuzz/regressions/checkpoint/).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "anvil/nn/nn.h"
#include "settings.h"
#include "support/expect_error.h"

namespace anvil::siren {
namespace {

nn::HostTensor f32_tensor(const std::string& name, Shape shape) {
    nn::HostTensor t;
    t.name = name;
    t.shape = std::move(shape);
    t.data.assign(static_cast<std::size_t>(t.shape.numel()) * sizeof(float), std::byte{0});
    return t;
}

// A complete checkpoint of a 2 -> 1 -> 1 sine MLP without optimizer state, as anvil-siren
// writes it, with metadata[key] = value.
nn::Checkpoint checkpoint_with(const std::string& key, const std::string& value) {
    nn::SafetensorsFile file;
    file.metadata = {{"format", "anvil-mlp"}, {"format_version", "1"}, {"step", "1"},
                     {"dtype", "f32"}, {"optimizer", "none"}, {"arch.in_features", "2"},
                     {"arch.out_features", "1"}, {"arch.hidden", "1"},
                     {"arch.hidden_layers", "1"}, {"arch.activation", "sine"},
                     {"arch.omega0", "30"}, {"arch.first_omega0", "30"},
                     {"arch.sigmoid_head", "false"}, {"arch.bias", "true"}};
    TrainState state;
    state.width = 4;
    state.height = 3;
    state.channels = 1;
    for (const auto& [k, v] : checkpoint_metadata(TrainSettings{}, state)) file.metadata[k] = v;
    file.metadata[key] = value;
    file.tensors = {f32_tensor("layers.0.weight", Shape{1, 2}), f32_tensor("layers.0.bias", Shape{1}),
                    f32_tensor("layers.1.weight", Shape{1, 1}), f32_tensor("layers.1.bias", Shape{1})};
    return nn::Checkpoint::decode(nn::encode_safetensors(file), "ck.safetensors");
}

TEST(SirenTrainState, ReadsTheSizeBack) {
    const TrainState state = read_train_state(checkpoint_with("train.width", "1048576"));
    EXPECT_EQ(state.width, 1048576);
    EXPECT_EQ(state.height, 3);
    EXPECT_EQ(state.channels, 1);
}

TEST(SirenTrainState, RefusesSidesAndChannelsOutOfRange) {
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"train.width", "4294967296"}, {"train.width", "4294967295"}, {"train.width", "1048577"},
        {"train.width", "0"},          {"train.height", "2147483648"}, {"train.height", "-3"},
        {"train.channels", "5"},       {"train.channels", "4294967297"}};
    for (const auto& [key, value] : bad) {
        const nn::Checkpoint checkpoint = checkpoint_with(key, value);
        EXPECT_EQ(error_of([&] { read_train_state(checkpoint); }),
                  "[checkpoint] ck.safetensors: bad " + key + " '" + value + "' in its metadata");
    }
}

}  // namespace
}  // namespace anvil::siren
