// Every way a checkpoint file can be wrong gets its own one-line "[checkpoint] <path>: ..."
// message: not safetensors, truncated, corrupt header JSON, offsets out of range, unknown or
// unsupported dtype, not an anvil checkpoint, missing tensor, shape or architecture mismatch.
#include <cstring>
#include <fstream>

#include "nn_test_util.h"

namespace anvil::nn::test {
namespace {

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A safetensors file with this header text and `data_bytes` zero bytes of data.
std::string make_file(const std::string& header, std::size_t data_bytes) {
    std::string out(8, '\0');
    const std::uint64_t len = header.size();
    std::memcpy(out.data(), &len, 8);
    return out + header + std::string(data_bytes, '\0');
}

class CheckpointErrors : public testing::Test {
protected:
    void SetUp() override {
        config_.hidden = 8;
        config_.hidden_layers = 3;
        Mlp model(config_, cpu());
        model.initialize(1);
        good_ = dir_.file("good.safetensors");
        save_checkpoint(good_, model, nullptr, 4);
    }

    // Reads `bytes` as a checkpoint and returns the message, checking its form.
    std::string message_for(const std::string& bytes) {
        const std::string path = dir_.file("bad.safetensors");
        write_bytes(path, bytes);
        const std::string message = error_of([&] { Checkpoint::read(path); });
        EXPECT_EQ(message.rfind("[checkpoint] " + path + ": ", 0), 0u) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        return message;
    }

    // The good file re-encoded after `edit` changes its decoded contents.
    template <typename Edit>
    std::string message_after(Edit edit) {
        SafetensorsFile file = read_safetensors(good_);
        edit(file);
        const std::vector<std::byte> bytes = encode_safetensors(file);
        return message_for(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    }

    TempDir dir_;
    MlpConfig config_;
    std::string good_;
};

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST_F(CheckpointErrors, MissingFile) {
    const std::string message =
        error_of([&] { Checkpoint::read(dir_.file("absent.safetensors")); });
    EXPECT_CONTAINS(message, "cannot open: No such file or directory");
    EXPECT_CONTAINS(error_of([&] { Checkpoint::read(dir_.path()); }), "not a regular file");
}

TEST_F(CheckpointErrors, NotASafetensorsFile) {
    EXPECT_CONTAINS(message_for("abc"), "not a safetensors file (3 bytes");
    EXPECT_CONTAINS(message_for(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)),
                    "not a safetensors file");
    EXPECT_CONTAINS(message_for("hello, this is a text file\n"), "not a safetensors file");
    EXPECT_CONTAINS(message_for(make_file("[1, 2, 3]", 0)),
                    "not a safetensors file (no JSON header");
}

TEST_F(CheckpointErrors, Truncated) {
    const std::string good = read_bytes(good_);
    EXPECT_CONTAINS(message_for(good.substr(0, good.size() - 5)),
                    "truncated: the header describes");
    EXPECT_CONTAINS(message_for(good.substr(0, 40)), "truncated: the header needs");
}

// Hand-made headers, each wrong in one way: {header JSON, data bytes, expected message part}.
struct CraftedFile {
    const char* header;
    std::size_t data_bytes;
    const char* expected;
};

TEST_F(CheckpointErrors, CorruptHeadersOffsetsAndDtypes) {
    const CraftedFile cases[] = {
        // corrupt header JSON
        {R"({"a": {"dtype": )", 0, "corrupt header JSON: "},
        {R"({"a": 3})", 0, "corrupt header JSON: tensor 'a' is not an object"},
        {R"({"a": {"dtype": "F32", "shape": [2]}})", 8, "tensor 'a' lacks 'data_offsets'"},
        {R"({"__metadata__": {"k": 1}})", 0, "__metadata__ value of 'k' is not a string"},
        {R"({"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", 8,
         "tensor 'a' has a bad dimension -2"},
        // offsets out of range: too long for the shape, overlapping, not covering the data
        {R"({"a": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 400]}})", 16,
         "data_offsets [0, 400] of tensor 'a' out of range: F32 (2,2) needs 16 bytes"},
        {R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
         R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
         12,
         "data_offsets of tensor 'b' out of range: it starts at 4, the previous tensor ends at 8"},
        {R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})", 24,
         "data_offsets out of range: the tensors cover 8 data bytes but the file holds 24"},
        // dtypes
        {R"({"a": {"dtype": "Q7", "shape": [2], "data_offsets": [0, 8]}})", 8,
         "tensor 'a' has unknown dtype 'Q7'"},
        {R"({"a": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}})", 4,
         "tensor 'a' has dtype BF16, which anvil does not read (F32, F64, I64)"},
    };
    for (const CraftedFile& c : cases)
        EXPECT_CONTAINS(message_for(make_file(c.header, c.data_bytes)), c.expected);
}

TEST_F(CheckpointErrors, NotAnAnvilCheckpoint) {
    EXPECT_CONTAINS(message_for(make_file("{}", 0)),
                    "not an anvil checkpoint: metadata lacks 'format'");
    EXPECT_CONTAINS(message_after([](SafetensorsFile& f) { f.metadata.erase("arch.hidden"); }),
                    "not an anvil checkpoint: metadata lacks 'arch.hidden'");
    EXPECT_CONTAINS(message_after([](SafetensorsFile& f) { f.metadata["arch.hidden"] = "wide"; }),
                    "metadata 'arch.hidden' is 'wide', expected an integer");
    EXPECT_CONTAINS(
        message_after([](SafetensorsFile& f) { f.metadata["arch.activation"] = "swish"; }),
        "invalid architecture: [activation] unknown activation 'swish'");
    EXPECT_CONTAINS(message_after([](SafetensorsFile& f) { f.metadata["format_version"] = "9"; }),
                    "format version 9");
}

TEST_F(CheckpointErrors, MissingTensor) {
    EXPECT_CONTAINS(
        message_after([](SafetensorsFile& f) {
            std::erase_if(f.tensors, [](const HostTensor& t) { return t.name == "layers.2.bias"; });
        }),
        "missing tensor 'layers.2.bias'");
}

// The reader's work is bounded by the file, not by the layer count it claims: 10^12 hidden
// layers used to make it list 2x10^12 expected tensors until the host ran out of memory.
TEST_F(CheckpointErrors, ClaimedLayerCountIsBoundedByTheFile) {
    EXPECT_CONTAINS(message_after([](SafetensorsFile& f) {
                        f.metadata["arch.hidden_layers"] = "1000000000000";
                    }),
                    "tensor 'layers.3.weight' has shape (3,8), the architecture 2 -> "
                    "1000000000000x8 sine(omega0=30, first 30) -> 3 needs (8,8)");
}

TEST_F(CheckpointErrors, TensorShapeDisagreesWithTheArchitecture) {
    EXPECT_CONTAINS(message_after([](SafetensorsFile& f) {
                        for (HostTensor& t : f.tensors)
                            if (t.name == "layers.0.weight") t.shape = Shape{2, 8};
                    }),
                    "tensor 'layers.0.weight' has shape (2,8), the architecture 2 -> 3x8 sine");
    EXPECT_CONTAINS(message_after([](SafetensorsFile& f) {
                        for (HostTensor& t : f.tensors)
                            if (t.name == "layers.1.bias") {
                                t.dtype = DType::f64;
                                t.data.resize(t.data.size() * 2);
                            }
                    }),
                    "tensor 'layers.1.bias' is f64, the checkpoint's dtype is f32");
}

TEST_F(CheckpointErrors, ArchitectureMismatchNamesBothSides) {
    const Checkpoint ck = Checkpoint::read(good_);
    MlpConfig wanted = config_;
    wanted.hidden = 4;
    EXPECT_CONTAINS(error_of([&] { ck.require_config(wanted, DType::f32); }),
                    "[checkpoint] " + good_ +
                        ": checkpoint has 3x8 hidden layers, 3x4 asked for (hidden 4, layers 3)");
    Mlp other(wanted, cpu());
    EXPECT_CONTAINS(error_of([&] { ck.restore_model(other); }), "checkpoint has 3x8 hidden layers");
    wanted = config_;
    wanted.activation = Activation::relu;
    EXPECT_CONTAINS(error_of([&] { ck.require_config(wanted, DType::f32); }),
                    "checkpoint uses sine activations, relu asked for");
    wanted = config_;
    wanted.omega0 = 10;
    EXPECT_CONTAINS(error_of([&] { ck.require_config(wanted, DType::f32); }),
                    "checkpoint has omega0 30, 10 asked for");
    wanted = config_;
    wanted.out_features = 1;
    EXPECT_CONTAINS(error_of([&] { ck.require_config(wanted, DType::f32); }),
                    "checkpoint has 3 output channels, 1 asked for");
    wanted = config_;
    wanted.sigmoid_head = true;
    EXPECT_CONTAINS(error_of([&] { ck.require_config(wanted, DType::f32); }),
                    "a sigmoid head asked for");
    EXPECT_CONTAINS(error_of([&] { ck.require_config(config_, DType::f64); }),
                    "checkpoint holds f32 parameters, f64 asked for");
    EXPECT_EQ(error_of([&] { ck.require_config(config_, DType::f32); }), "");
}

TEST_F(CheckpointErrors, PlainSafetensorsMessagesUseTheirOwnTag) {
    const std::string path = dir_.file("plain.bin");
    write_bytes(path, "xyz");
    EXPECT_EQ(error_of([&] {
                  read_safetensors(path);
              }).rfind("[safetensors] " + path + ": not a safetensors file", 0),
              0u);
    SafetensorsFile dup;
    dup.tensors.push_back({"a", DType::f32, Shape{1}, std::vector<std::byte>(4)});
    dup.tensors.push_back({"a", DType::f32, Shape{1}, std::vector<std::byte>(4)});
    EXPECT_CONTAINS(error_of([&] { encode_safetensors(dup); }),
                    "tensor name 'a' is empty, reserved or repeated");
    dup.tensors.pop_back();
    dup.tensors[0].data.resize(3);
    EXPECT_CONTAINS(error_of([&] { encode_safetensors(dup); }), "holds 3 bytes, f32 (1) needs 4");
}

}  // namespace
}  // namespace anvil::nn::test
