// anvil-siren: fits a SIREN to an image on any anvil backend and renders it at any size.
// main() picks the mode and turns every failure into one line on stderr and an exit status
// (app.h): 2 for a bad command line, 1 for anything else, 130 after SIGINT/SIGTERM.
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>

#include "anvil/error.h"
#include "app.h"
#include "distributed.h"
#include "session.h"

namespace {

int fail(const std::string& message, int status) {
    std::fprintf(stderr, "anvil-siren: error: %s\n", message.c_str());
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace anvil::siren;
    try {
        const auto options = parse_options(argc, argv);
        if (!options) return kExitOk;  // --help
        if (options->list_backends) {
            list_backends(std::cout, options->plugin_dirs);
            return kExitOk;
        }
        if (!options->render_only.empty()) return run_render_only(*options);
        return run_training(*options);
    } catch (const QuietExit& e) {
        return e.status;  // another rank of a distributed run reported the failure
    } catch (const UsageError& e) {
        return fail(e.what(), kExitUsage);
    } catch (const anvil::OutOfMemoryError& e) {
        return fail("out of device memory (asked for " +
                        anvil::format_bytes(e.requested_bytes()) + "): " + e.what() +
                        "; try a smaller --batch (e.g. --batch 16384), --train-size or --hidden",
                    kExitError);
    } catch (const anvil::Error& e) {
        return fail(e.what(), kExitError);
    } catch (const std::bad_alloc&) {
        return fail("out of host memory; try a smaller --train-size, --render or --batch",
                    kExitError);
    } catch (const std::exception& e) {
        return fail(std::string("unexpected error: ") + e.what(), kExitError);
    }
}
