// Errors carry an errno and a context chain, outermost first:
//   "mount /proc: open target: path escapes rootfs: EXDEV"
// Throw SysError for a failed syscall, Error for bad input; wrap with addContext() as the
// error travels up so the user sees what failed, on what, and why.
#pragma once

#include <cerrno>
#include <stdexcept>
#include <string>

namespace berth {

class Error : public std::exception {
public:
    explicit Error(std::string message, int errnum = 0)
        : message_(std::move(message)), errno_(errnum) {
        rebuild();
    }

    int errnum() const noexcept { return errno_; }
    const char* what() const noexcept override { return full_.c_str(); }

    // Prepends "context: " to the message; returns *this so `throw e.addContext(..)` reads well.
    Error& addContext(const std::string& context) {
        message_ = context + ": " + message_;
        rebuild();
        return *this;
    }

private:
    void rebuild();

    std::string message_;
    int errno_;
    std::string full_;
};

// A failed system call: the message names the operation and its object; errno is appended.
class SysError : public Error {
public:
    explicit SysError(const std::string& what, int errnum = errno) : Error(what, errnum) {}
};

// Runs fn(); any berth::Error escaping it gets `context` prepended.
template <typename Fn>
auto withContext(const std::string& context, Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (Error& e) {
        e.addContext(context);
        throw;
    }
}

// Symbolic name for an errno value ("ENOENT"), or the number if unknown.
std::string errnoName(int errnum);

}  // namespace berth
