#include "cli/error_text.hpp"

#include <string.h>

#include "engine/container/container_store.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

std::string errorText(const std::exception& e) {
    std::string text = e.what();
    const auto* err = dynamic_cast<const Error*>(&e);
    bool userFacing = dynamic_cast<const store::ImageNotFound*>(&e) ||
                      dynamic_cast<const store::ImageConflict*>(&e) ||
                      dynamic_cast<const engine::NoSuchContainer*>(&e) ||
                      text.find("invalid reference format") != std::string::npos;
    if (err && userFacing && err->errnum() != 0) {
        std::string suffix = ": " + errnoName(err->errnum()) + " (" + strerror(err->errnum()) + ")";
        if (text.size() >= suffix.size() &&
            text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0)
            text.resize(text.size() - suffix.size());
    }
    return text;
}

}  // namespace berth::cli
