// anvil-info's text view: directories searched, files tried, then one block per backend with
// its devices and a capability table (a per-dtype summary, or the full op x dtype grid for
// --backend NAME).
#include <cstdio>
#include <string>

#include "anvil/error.h"
#include "info_report.h"

namespace anvil {

namespace {

std::string pad(std::string text, std::size_t width) {
    if (text.size() < width) text.append(width - text.size(), ' ');
    return text;
}

void print_directories(const InfoReport& report) {
    std::printf("\nPlugin directories, in search order:\n");
    for (const DirectoryReport& d : report.directories) {
        const char* state = d.directory.exists ? "found  " : "missing";
        std::printf("  %s  %s  (%s)\n", state, d.directory.path.c_str(), d.directory.origin.c_str());
        if (d.directory.exists && d.plugin_files == 0)
            std::printf("           holds no libanvil-*.so file (%d other file%s)\n", d.other_files,
                        d.other_files == 1 ? "" : "s");
    }
    if (report.directories.empty()) std::printf("  (none)\n");
}

void print_attempts(const InfoReport& report) {
    std::printf("\nFiles tried:\n");
    for (const LoadAttempt& a : report.attempts) {
        std::string line = "  " + pad(load_outcome_name(a.outcome), 26) + a.path;
        if (!a.backends.empty()) {
            line += "  ->";
            for (const std::string& b : a.backends) line += " " + b;
        }
        std::printf("%s\n", line.c_str());
        if (!a.detail.empty()) std::printf("  %s%s\n", pad("", 26).c_str(), a.detail.c_str());
    }
    if (report.attempts.empty()) std::printf("  (none)\n");
}

// "f32: all 34 ops", "f64: 30 of 34 ops, all but gemm, argmax, ...", "i64: fill, copy".
std::string summarize_support(const DeviceReport& device, std::size_t d) {
    std::string yes, no;
    int count = 0;
    for (int op = 0; op < kOpCount; ++op) {
        const bool supported = device.supported[d][static_cast<std::size_t>(op)];
        std::string& list = supported ? yes : no;
        list += (list.empty() ? "" : ", ") + std::string(op_name(static_cast<Op>(op)));
        count += supported ? 1 : 0;
    }
    if (count == kOpCount) return "all " + std::to_string(kOpCount) + " ops";
    if (count == 0) return "none";
    if (count * 2 >= kOpCount)
        return std::to_string(count) + " of " + std::to_string(kOpCount) + " ops, all but " + no;
    return yes;
}

void print_support_summary(const DeviceReport& device) {
    std::printf("      dtype  supported ops\n");
    for (std::size_t d = 0; d < kInfoDTypes.size(); ++d)
        std::printf("      %-5s  %s\n", dtype_name(kInfoDTypes[d]), summarize_support(device, d).c_str());
}

// One row per op, one column per dtype. Rows are built by appending (GCC 12 warns falsely,
// -Wrestrict, about "literal" + std::string temporaries here).
void print_support_grid(const DeviceReport& device) {
    auto print_row = [](const char* first, const auto& cell) {
        std::string line(6, ' ');
        line += pad(first, 20);
        for (std::size_t d = 0; d < kInfoDTypes.size(); ++d) line.append(" ").append(pad(cell(d), 4));
        std::printf("%s\n", line.substr(0, line.find_last_not_of(' ') + 1).c_str());
    };
    print_row("op", [](std::size_t d) { return std::string(dtype_name(kInfoDTypes[d])); });
    for (int op = 0; op < kOpCount; ++op)
        print_row(op_name(static_cast<Op>(op)), [&](std::size_t d) {
            return std::string(device.supported[d][static_cast<std::size_t>(op)] ? "yes" : "-");
        });
}

bool same_support(const DeviceReport& a, const DeviceReport& b) { return a.supported == b.supported; }

void print_backend(const BackendReport& b, bool detailed) {
    std::printf("\n%s  %s", b.name.c_str(), b.available ? "available" : "UNAVAILABLE");
    if (!b.available) std::printf(": %s", b.reason.c_str());
    std::printf("\n  %s\n", b.description.c_str());
    std::printf("  plugin: %s\n  priority: %d, devices: %d\n", b.file.c_str(), b.priority,
                b.device_count);
    for (std::size_t i = 0; i < b.devices.size(); ++i) {
        const DeviceReport& d = b.devices[i];
        if (!d.error.empty()) {
            std::printf("  device %d: FAILED: %s\n", d.index, d.error.c_str());
            continue;
        }
        std::printf("  %s  %s\n", d.name.c_str(), d.description.c_str());
        std::printf("    memory: %s total, %s free\n", format_bytes(d.memory.total_bytes).c_str(),
                    format_bytes(d.memory.free_bytes).c_str());
        if (i > 0 && b.devices[0].error.empty() && same_support(d, b.devices[0])) {
            std::printf("    ops: as %s\n", b.devices[0].name.c_str());
            continue;
        }
        if (detailed) print_support_grid(d);
        else print_support_summary(d);
    }
}

}  // namespace

void print_text(const InfoReport& report, bool detailed) {
    std::printf("anvil %s, plugin ABI version %d\n", report.version.c_str(), report.abi_version);
    // A single backend's details leave out the search; an unknown name needs it to be explained.
    const bool one_backend = detailed && !report.backends.empty();
    if (!one_backend) {
        print_directories(report);
        print_attempts(report);
    }
    int available = 0;
    for (const BackendReport& b : report.backends) {
        print_backend(b, detailed);
        available += b.available ? 1 : 0;
    }
    for (const auto& [name, reason] : report.not_built)
        std::printf("\n%s  NOT BUILT\n  %s\n", name.c_str(), reason.c_str());
    if (!one_backend)
        std::printf("\n%zu backend%s, %d available\n", report.backends.size(),
                    report.backends.size() == 1 ? "" : "s", available);
}

}  // namespace anvil
