// The checkpoint that anvil-siren writes opens in Python's safetensors, and numpy evaluating
// the SIREN it holds reproduces reconstruction.png. Skipped, visibly, when the test Python
// lacks safetensors or numpy (scripts/setup.sh installs them into build/pyenv).
#include <gtest/gtest.h>

#include <fstream>

#include "siren_test_util.h"

namespace anvil::siren::test {
namespace {

TEST(SirenCheckpoint, OpensInPythonSafetensorsAndReproducesTheReconstruction) {
    const std::string python = ANVIL_TEST_PYTHON;
    if (python.empty()) GTEST_SKIP() << "no Python found (set ANVIL_TEST_PYTHON)";
    const RunResult probe = run_program({python, "-c", "import safetensors, numpy"});
    if (probe.exit_code != 0)
        GTEST_SKIP() << python << " lacks safetensors or numpy (scripts/setup.sh installs them): "
                     << probe.err;
    TempDir dir;
    const std::string image = write_pattern_png(dir, "p.png", 20, 14);
    const RunResult r = run_siren(small_run(image, dir / "run", 30));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Image recon = load_image(dir / "run/reconstruction.png");
    const std::vector<std::uint8_t> bytes = to_bytes(recon);
    std::ofstream(dir / "recon.raw", std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    const RunResult check = run_program({python, std::string(ANVIL_SIREN_TEST_DIR) + "/check_checkpoint.py",
                                   dir / "run/model.safetensors", dir / "recon.raw"});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("ok: "), std::string::npos) << check.out;
}

}  // namespace
}  // namespace anvil::siren::test
