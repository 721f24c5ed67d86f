#include "common/fd.hpp"

#include <fcntl.h>

#include "common/error.hpp"

namespace berth {

Pipe Pipe::make() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) throw SysError("pipe2");
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

}  // namespace berth
