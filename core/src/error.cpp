// anvil::Error and its key functions, defined here so that exactly one typeinfo exists.
#include "anvil/error.h"

#include <cstdio>

namespace anvil {

Error::Error(const std::string& message) : std::runtime_error(message) {}
Error::~Error() = default;

OutOfMemoryError::OutOfMemoryError(const std::string& message, std::size_t requested_bytes)
    : Error(message), requested_bytes_(requested_bytes) {}
OutOfMemoryError::~OutOfMemoryError() = default;

std::string format_bytes(std::size_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    int unit = 0;
    while (value >= 1024.0 && unit < 4) {
        value /= 1024.0;
        ++unit;
    }
    char text[32];
    if (unit == 0)
        std::snprintf(text, sizeof text, "%zu B", bytes);
    else
        std::snprintf(text, sizeof text, "%.2f %s", value, units[unit]);
    return text;
}

}  // namespace anvil
