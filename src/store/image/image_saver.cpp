// ImageStore::save (stub until the saver lands).
#include "store/image/store_impl.hpp"

namespace berth::store {

void ImageStore::save(const std::vector<std::string>&, const std::string&, ArchiveFormat) {
    throw Error("image store: save: not implemented yet", ENOSYS);
}
void ImageStore::save(const std::vector<std::string>&, int, ArchiveFormat) {
    throw Error("image store: save: not implemented yet", ENOSYS);
}
Digest ImageStore::importRootfs(const std::string&, const ImportOptions&) {
    throw Error("image store: import: not implemented yet", ENOSYS);
}
Digest ImageStore::importRootfs(int, const ImportOptions&) {
    throw Error("image store: import: not implemented yet", ENOSYS);
}

}  // namespace berth::store
