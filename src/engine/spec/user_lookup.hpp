// `-u user[:group]` resolved the way Docker (moby/sys/user GetExecUser) does, reading the
// container's /etc/passwd and /etc/group through openat2(RESOLVE_IN_ROOT): a symlinked
// /etc/passwd in an image can point nowhere outside its rootfs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::engine {

struct ExecUser {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::vector<uint32_t> additionalGids;  // groups of /etc/group listing the user (and gid)
    std::string home = "/";
};

// spec: "", "name", "uid", "name:group", "uid:gid". Throws Error with Docker's text
// ("unable to find user foo: no matching entries in passwd file").
ExecUser resolveUser(int rootfsFd, const std::string& spec);

// The same from the files' contents (unit tests).
ExecUser resolveUserFrom(const std::string& passwd, const std::string& group,
                         const std::string& spec);

}  // namespace berth::engine
