// The store half of CliContext, apart so the framework compiles without the store.
#include "cli/context.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

store::ImageStore& CliContext::images() {
    if (!store_) store_ = std::make_shared<store::ImageStore>(store::ImageStore::open(root));
    return *store_;
}

}  // namespace berth::cli
