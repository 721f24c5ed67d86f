// ImageStore facade: stubs while the implementation lands piece by piece.
#include "store/image_store.hpp"

namespace berth::store {

namespace {
[[noreturn]] void notImplemented(const char* what) {
    throw Error(std::string("image store: ") + what + ": not implemented yet", ENOSYS);
}
}  // namespace

struct ImageStore::Impl {
    std::string root;
};

ImageStore::ImageStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImageStore::ImageStore(ImageStore&&) noexcept = default;
ImageStore& ImageStore::operator=(ImageStore&&) noexcept = default;
ImageStore::~ImageStore() = default;

ImageStore ImageStore::open(const std::string& root) {
    auto impl = std::make_unique<Impl>();
    impl->root = root;
    return ImageStore(std::move(impl));
}

const std::string& ImageStore::root() const { return impl_->root; }
Digest ImageStore::resolve(std::string_view) const { notImplemented("resolve"); }
std::optional<Digest> ImageStore::tryResolve(std::string_view) const { notImplemented("resolve"); }
LoadResult ImageStore::load(const std::string&, const LoadOptions&) { notImplemented("load"); }
LoadResult ImageStore::load(int, const LoadOptions&) { notImplemented("load"); }
void ImageStore::save(const std::vector<std::string>&, const std::string&, ArchiveFormat) {
    notImplemented("save");
}
void ImageStore::save(const std::vector<std::string>&, int, ArchiveFormat) {
    notImplemented("save");
}
Digest ImageStore::importRootfs(const std::string&, const ImportOptions&) {
    notImplemented("import");
}
Digest ImageStore::importRootfs(int, const ImportOptions&) { notImplemented("import"); }
std::vector<ImageSummary> ImageStore::list() const { notImplemented("list"); }
ImageSummary ImageStore::summary(std::string_view) const { notImplemented("summary"); }
nlohmann::json ImageStore::inspect(std::string_view) const { notImplemented("inspect"); }
std::vector<HistoryRow> ImageStore::history(std::string_view) const { notImplemented("history"); }
nlohmann::json ImageStore::config(std::string_view) const { notImplemented("config"); }
void ImageStore::tag(std::string_view, std::string_view) { notImplemented("tag"); }
std::vector<RemoveLine> ImageStore::remove(std::string_view, bool, const InUseFn&) {
    notImplemented("remove");
}
PruneResult ImageStore::prune(bool, const InUseFn&) { notImplemented("prune"); }
GcResult ImageStore::gc() { notImplemented("gc"); }
DiskUsage ImageStore::diskUsage(const InUseFn&) const { notImplemented("diskUsage"); }
ImageLayers ImageStore::layers(std::string_view) const { notImplemented("layers"); }
std::string ImageStore::layerDir(const Digest& chainId) const {
    return impl_->root + "/layers/" + chainId.hex();
}

}  // namespace berth::store
