#include "common/error.hpp"

#include <string.h>

namespace berth {

void Error::rebuild() {
    full_ = message_;
    if (errno_ != 0) {
        full_ += ": ";
        full_ += errnoName(errno_);
        full_ += " (";
        full_ += strerror(errno_);
        full_ += ")";
    }
}

std::string errnoName(int errnum) {
    const char* name = strerrorname_np(errnum);
    return name ? name : std::to_string(errnum);
}

}  // namespace berth
