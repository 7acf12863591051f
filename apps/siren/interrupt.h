// SIGINT / SIGTERM for anvil-siren: the first signal asks training to stop after the current
// step (the loop then writes the checkpoint and outputs and exits 130); a second one ends
// the process at once, as the user evidently means it.
#pragma once

namespace anvil::siren {

// Installs the handlers; safe to call more than once.
void install_interrupt_handlers();
// Whether a SIGINT or SIGTERM arrived since the handlers were installed.
bool interrupt_requested();
// The signal's name ("SIGINT"), or "" when none arrived.
const char* interrupt_signal_name();

}  // namespace anvil::siren
