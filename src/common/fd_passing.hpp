#pragma once
// Passing a file descriptor over a unix socket (SCM_RIGHTS): the console socket of the OCI
// runtime, the monitor's control socket, a container's rootfs cloned in its mount namespace.

#include <sys/types.h>

#include <string_view>

#include "common/fd.hpp"

namespace berth {

// Sends fd with payload as the message's data (a stream socket carries ancillary data only with
// at least one byte: pass a non-empty payload). Retries on EINTR; false with errno set on failure.
bool sendFdOver(int sock, int fd, std::string_view payload);

struct ReceivedFd {
    UniqueFd fd;     // empty when the message carried none
    ssize_t bytes;   // data bytes read into the buffer; 0 at end of stream, < 0 on error (errno)
};

// Receives one message into buf and the descriptor it carries (close-on-exec). Retries on EINTR.
ReceivedFd receiveFdOver(int sock, char* buf, size_t len);

}  // namespace berth
