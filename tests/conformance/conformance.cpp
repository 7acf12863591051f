// The conformance fixture: backend lists filled by main, instance names, device lookup, the
// capability skip and the error-message matcher.
#include "conformance.h"

#include <cctype>

namespace anvil::test {

namespace {
std::vector<BackendParam>& dtype_list() {
    static std::vector<BackendParam> list;
    return list;
}
std::vector<BackendParam>& backend_list() {
    static std::vector<BackendParam> list;
    return list;
}
std::vector<std::string>& available_list() {
    static std::vector<std::string> list;
    return list;
}
}  // namespace

void PrintTo(const BackendParam& param, std::ostream* os) {
    *os << param.backend << " " << dtype_name(param.dtype);
}

void set_backends(const std::vector<std::string>& selected,
                  const std::vector<std::string>& available) {
    dtype_list().clear();
    backend_list().clear();
    for (const std::string& name : selected) {
        dtype_list().push_back({name, DType::f32});
        dtype_list().push_back({name, DType::f64});
        backend_list().push_back({name, DType::f32});
    }
    available_list() = available;
}

const std::vector<BackendParam>& dtype_params() { return dtype_list(); }
const std::vector<BackendParam>& backend_params() { return backend_list(); }

std::vector<std::string> other_backends(const std::string& backend) {
    std::vector<std::string> out;
    for (const std::string& name : available_list())
        if (name != backend) out.push_back(name);
    return out;
}

std::string param_name(const testing::TestParamInfo<BackendParam>& info) {
    std::string name = info.param.backend;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    if (info.param.dtype != DType::f32) name += std::string("_") + dtype_name(info.param.dtype);
    return name;
}

void BackendTest::SetUp() { device_ = anvil::device(backend()); }

std::string BackendTest::unsupported(Op op) const {
    if (device_->supports(op, dtype())) return {};
    return "backend '" + backend() + "' does not support " + op_name(op) + " for " +
           dtype_name(dtype()) + " (Device::supports)";
}

testing::AssertionResult throws_error(const std::function<void()>& fn, const std::string& prefix,
                                      const std::vector<std::string>& parts) {
    try {
        fn();
    } catch (const Error& e) {
        const std::string message = e.what();
        if (message.rfind(prefix, 0) != 0)
            return testing::AssertionFailure()
                   << "message does not start with \"" << prefix << "\": " << message;
        for (const std::string& part : parts)
            if (message.find(part) == std::string::npos)
                return testing::AssertionFailure()
                       << "message lacks \"" << part << "\": " << message;
        return testing::AssertionSuccess() << message;
    } catch (const std::exception& e) {
        return testing::AssertionFailure() << "threw a non-anvil exception: " << e.what();
    }
    return testing::AssertionFailure()
           << "did not throw (expected an error starting with " << prefix << ")";
}

}  // namespace anvil::test
