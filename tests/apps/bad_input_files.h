// The hostile and careless inputs of tests/apps/test_cli_bad_inputs.cpp, made once per test
// process in a temporary directory: crafted images of every accepted format (zero and huge
// declared sizes, truncations, corrupt data, out-of-range palette indices, unsupported
// variants) and a trained checkpoint with corrupted copies (NaN/Inf weights, bad metadata).
#pragma once

#include <map>
#include <string>

#include "siren_test_util.h"

namespace anvil::siren::test {

class BadInputFiles {
public:
    static const BadInputFiles& get();

    // The path of a file made here, by its name ("zero-height.pgm"); throws for an unknown one.
    std::string operator[](const std::string& name) const;
    const std::string& dir() const { return dir_.path(); }
    // A good 16x12 grey PNG and a checkpoint trained on it (2 hidden layers of 32, 4 steps).
    std::string image() const { return (*this)["good.png"]; }
    std::string checkpoint() const { return (*this)["trained/model.safetensors"]; }

private:
    BadInputFiles();
    void make_images();
    void make_checkpoints();
    void put(const std::string& name, const std::vector<std::uint8_t>& bytes);

    TempDir dir_;
    std::map<std::string, std::string> paths_;
};

}  // namespace anvil::siren::test
