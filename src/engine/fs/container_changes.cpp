#include "engine/fs/container_changes.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <memory>
#include <set>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "engine/events/journal.hpp"
#include "engine/fs/container_copy.hpp"
#include "engine/fs/rootfs_access.hpp"
#include "engine/fs/tree_stream.hpp"
#include "store/image/config_changes.hpp"
#include "store/image_store.hpp"

namespace berth::engine::fs {

using nlohmann::json;

namespace {

const std::set<std::string>& engineMountpoints() {
    static const std::set<std::string> paths = {
        "proc", "sys", "dev", "etc/hosts", "etc/hostname", "etc/resolv.conf", ".dockerenv",
    };
    return paths;
}

ContainerRecord findContainer(Engine& engine, const std::string& container) {
    try {
        return engine.containers().get(container);
    } catch (const NoSuchContainer&) {
        throw DaemonError("No such container: " + container);
    }
}

// Counts what passes (commit: an empty diff adds no layer).
class CountingSink : public EntrySink {
  public:
    explicit CountingSink(EntrySink& inner) : inner_(inner) {}
    void put(const store::TarEntry& e, int64_t size, const store::DataFn& data) override {
        ++entries;
        inner_.put(e, size, data);
    }
    void finish() override { inner_.finish(); }
    size_t entries = 0;

  private:
    EntrySink& inner_;
};

// docker commit -p (moby's CreateImageFromContainer): a running container is paused while its
// changes are read, so the layer is one consistent moment, and unpaused after, also on failure.
// One that was paused already stays so. pause/unpause are journaled, as moby's are.
class PauseDuringCommit {
  public:
    PauseDuringCommit(Engine& engine, const ContainerRecord& rec, bool wanted) : engine_(engine), id_(rec.id) {
        if (!wanted) return;
        auto st = engine.state(rec);
        if (!st.running || st.paused) return;
        engine.pause(rec.id);
        paused_ = true;
    }
    ~PauseDuringCommit() {
        if (!paused_) return;
        try {
            engine_.unpause(id_);
        } catch (const std::exception& e) {
            logWarn("commit: unpause " + id_ + ": " + e.what());
        }
    }
    PauseDuringCommit(const PauseDuringCommit&) = delete;
    PauseDuringCommit& operator=(const PauseDuringCommit&) = delete;

  private:
    Engine& engine_;
    std::string id_;
    bool paused_ = false;
};

}  // namespace

bool isEngineMountpoint(const std::string& rel) { return engineMountpoints().count(rel) > 0; }

std::vector<store::Change> containerChanges(Engine& engine, const std::string& container) {
    ContainerRecord rec = findContainer(engine, container);
    std::string upper = engine.containers().dir(rec.id) + "/upper";
    auto all = store::overlayDiff(rec.layerDirs, upper);
    // Drop the engine's mount points (and what lies beneath them), then a "C dir" that only
    // changed because a mount point was made in it.
    std::vector<store::Change> kept;
    std::set<std::string> parentsOfDropped;
    for (auto& c : all) {
        std::string rel = c.path.substr(1);
        bool dropped = false;
        for (auto& m : engineMountpoints())
            if (rel == m || rel.rfind(m + "/", 0) == 0) dropped = true;
        if (dropped) {
            auto cut = c.path.rfind('/');
            if (cut > 0) parentsOfDropped.insert(c.path.substr(0, cut));
            continue;
        }
        kept.push_back(c);
    }
    std::vector<store::Change> out;
    for (size_t i = 0; i < kept.size(); ++i) {
        const auto& c = kept[i];
        if (c.kind == store::ChangeKind::Changed && parentsOfDropped.count(c.path)) {
            bool hasChild = i + 1 < kept.size() && kept[i + 1].path.rfind(c.path + "/", 0) == 0;
            if (!hasChild) continue;
        }
        out.push_back(c);
    }
    return out;
}

void exportContainer(Engine& engine, const std::string& container, int outFd) {
    ContainerRecord rec = findContainer(engine, container);
    RootfsAccess fsAccess(engine, rec, RootfsAccess::View::Rootfs);
    TarSink tar(outFd);
    walkTree(fsAccess.rootFd(), "", "", tar);
    tar.finish();
}

std::string commitContainer(Engine& engine, store::ImageStore& images, const std::string& container,
                            const CommitRequest& req) {
    ContainerRecord rec = findContainer(engine, container);
    json imageConfig = images.config(rec.imageId);
    json cfg = rec.config.is_object() ? rec.config : json::object();
    cfg["Image"] = rec.imageId;
    // Docker's daemon words an unknown instruction "bad is not a valid change command".
    static const std::set<std::string> known = {"cmd",   "entrypoint", "env",    "expose", "label",
                                                "onbuild", "stopsignal", "user", "volume", "workdir"};
    for (auto& ch : req.changes) {
        std::string word = ch.substr(0, ch.find_first_of(" \t"));
        for (auto& c : word) c = char(std::tolower(static_cast<unsigned char>(c)));
        if (!known.count(word)) throw DaemonError(word + " is not a valid change command");
    }
    store::applyConfigChanges(cfg, req.changes);

    auto pausedForCommit = std::make_unique<PauseDuringCommit>(engine, rec, req.pause);
    // The diff tar: the upper dir with overlay whiteouts as OCI ".wh." entries.
    std::string tmpDir = engine.config().root + "/tmp";
    mkdirAll(tmpDir, 0700);
    UniqueFd tarFd(::open(tmpDir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (!tarFd) throw SysError("create a temp file in " + tmpDir);
    std::string upper = engine.containers().dir(rec.id) + "/upper";
    UniqueFd upperFd(::open(upper.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!upperFd) throw SysError("open " + upper);
    size_t entries = 0;
    {
        TarSink tar(tarFd.get());
        CountingSink count(tar);
        WalkOptions wo;
        wo.overlayWhiteouts = true;
        wo.skip = [](const std::string& rel) {
            std::string r = rel;
            if (!r.empty() && r.back() == '/') r.pop_back();
            return isEngineMountpoint(r);
        };
        walkTree(upperFd.get(), "", "", count, wo);
        count.finish();
        entries = count.entries;
    }
    if (::lseek(tarFd.get(), 0, SEEK_SET) < 0) throw SysError("rewind the layer tar");

    std::string now = rfc3339Now();
    json doc = imageConfig;
    doc["config"] = cfg;
    doc["created"] = now;
    doc["container"] = rec.id;
    if (!req.author.empty()) doc["author"] = req.author;
    else doc.erase("author");
    if (!req.message.empty()) doc["comment"] = req.message;
    else doc.erase("comment");
    std::string createdBy;
    if (cfg.contains("Cmd") && cfg["Cmd"].is_array())
        for (auto& a : cfg["Cmd"]) createdBy += (createdBy.empty() ? "" : " ") + a.get<std::string>();
    // Docker: CreatedBy is the container's command (before --change).
    if (rec.config.contains("Cmd") && rec.config["Cmd"].is_array()) {
        createdBy.clear();
        for (auto& a : rec.config["Cmd"]) createdBy += (createdBy.empty() ? "" : " ") + a.get<std::string>();
    }
    json h = {{"created", now}, {"created_by", createdBy}};
    if (!req.author.empty()) h["author"] = req.author;
    if (!req.message.empty()) h["comment"] = req.message;
    if (entries == 0) h["empty_layer"] = true;
    if (!doc.contains("history") || !doc["history"].is_array()) doc["history"] = json::array();
    doc["history"].push_back(h);

    store::CommitOptions co;
    co.parent = rec.imageId;
    co.config = doc;
    co.ref = req.ref;
    std::string imageId = images.commit(entries == 0 ? -1 : tarFd.get(), co).str();
    // moby: the container's "commit" event, then the unpause (pausedForCommit's end).
    events::recordContainer(engine, rec, "commit",
                            {{"comment", req.message}, {"imageID", imageId}, {"imageRef", req.ref}});
    return imageId;
}

}  // namespace berth::engine::fs
