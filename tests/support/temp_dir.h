// TempDir: a fresh directory under the system temp dir for one test, removed with everything
// in it (even after a test made it read-only) when the object goes out of scope.
#pragma once

#include <string>

namespace anvil::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    // The path of `name` inside the directory.
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    std::string operator/(const std::string& name) const { return file(name); }

private:
    std::string path_;
};

}  // namespace anvil::test
