// Signal handling for anvil-siren (see interrupt.h). The handler only stores the signal
// number (SA_RESETHAND restores the default action for a second signal): all the real work
// happens in the training loop.
#include "interrupt.h"

#include <signal.h>

#include <csignal>

namespace anvil::siren {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_signal(int signal_number) {
    g_signal = signal_number;
}

}  // namespace

void install_interrupt_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

bool interrupt_requested() { return g_signal != 0; }

const char* interrupt_signal_name() {
    switch (g_signal) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        default: return "";
    }
}

}  // namespace anvil::siren
