// The one exception type of anvil. It crosses the plugin boundary (a backend throws it, the
// app catches it), so it is exported from libanvil_core and has a key function there.
#pragma once

#include <stdexcept>
#include <string>

#include "anvil/export.h"

namespace anvil {

class ANVIL_EXPORT Error : public std::runtime_error {
public:
    explicit Error(const std::string& message);
    ~Error() override;
};

// Thrown when a device cannot allocate; carries the request so apps can suggest --batch.
class ANVIL_EXPORT OutOfMemoryError : public Error {
public:
    OutOfMemoryError(const std::string& message, std::size_t requested_bytes);
    ~OutOfMemoryError() override;
    std::size_t requested_bytes() const { return requested_bytes_; }

private:
    std::size_t requested_bytes_;
};

// Formats a byte count for people: "1.50 GiB", "12.0 MiB", "512 B".
ANVIL_EXPORT std::string format_bytes(std::size_t bytes);

}  // namespace anvil
