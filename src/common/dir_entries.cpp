#include "common/dir_entries.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.hpp"

namespace berth {

namespace {

std::vector<std::string> readNames(DIR* d) {
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(std::move(n));
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

std::vector<std::string> dirEntries(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    return d ? readNames(d) : std::vector<std::string>{};
}

std::vector<std::string> dirEntriesAt(int dirFd) {
    int fd = ::openat(dirFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw SysError("open directory");
    DIR* d = ::fdopendir(fd);  // owns fd from here
    if (!d) {
        ::close(fd);
        throw SysError("read directory");
    }
    return readNames(d);
}

}  // namespace berth
