#include "runtime/cgroups/oom_watcher.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "common/error.hpp"

namespace berth::runtime::cgroups {
namespace {

class V1OomWatcher : public OomWatcher {
  public:
    V1OomWatcher(CgroupFs& fs, std::string dir) : fs_(fs), dir_(std::move(dir)) {
        event_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
        if (!event_) throw SysError("eventfd");
        std::string control = dir_ + "/memory.oom_control";
        oomControl_.reset(::open(control.c_str(), O_RDONLY | O_CLOEXEC));
        if (!oomControl_) throw SysError("open " + control);
        fs_.write(dir_ + "/cgroup.event_control",
                  std::to_string(event_.get()) + " " + std::to_string(oomControl_.get()));
    }
    int fd() const override { return event_.get(); }
    int readOomKills() override {
        uint64_t count = 0;
        ssize_t n = ::read(event_.get(), &count, sizeof count);
        // The kernel signals the eventfd when the cgroup goes away, too.
        if (!fs_.exists(dir_ + "/cgroup.event_control")) return -1;
        if (n != sizeof count) return 0;
        return int(count);
    }

  private:
    CgroupFs& fs_;
    std::string dir_;
    UniqueFd event_;
    UniqueFd oomControl_;
};

class V2OomWatcher : public OomWatcher {
  public:
    V2OomWatcher(CgroupFs& fs, std::string dir) : fs_(fs), dir_(std::move(dir)) {
        inotify_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
        if (!inotify_) throw SysError("inotify_init1");
        std::string events = dir_ + "/memory.events";
        if (::inotify_add_watch(inotify_.get(), events.c_str(), IN_MODIFY) < 0)
            throw SysError("inotify_add_watch " + events);
        last_ = current();
    }
    int fd() const override { return inotify_.get(); }
    int readOomKills() override {
        char buf[4096];
        bool ignored = false;
        for (;;) {
            ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
            if (n <= 0) break;
            for (ssize_t off = 0; off < n;) {
                auto* ev = reinterpret_cast<inotify_event*>(buf + off);
                if (ev->mask & IN_IGNORED) ignored = true;  // the file (cgroup) is gone
                off += ssize_t(sizeof(inotify_event) + ev->len);
            }
        }
        if (ignored || !fs_.exists(dir_ + "/memory.events")) return -1;
        int64_t now = current();
        int diff = int(now - last_);
        last_ = now;
        return diff > 0 ? diff : 0;
    }

  private:
    int64_t current() {
        try {
            return int64_t(parseFlatKeyed(fs_.read(dir_ + "/memory.events"))["oom_kill"]);
        } catch (const Error&) {
            return last_;
        }
    }
    CgroupFs& fs_;
    std::string dir_;
    UniqueFd inotify_;
    int64_t last_ = 0;
};

}  // namespace

std::unique_ptr<OomWatcher> makeV1OomWatcher(CgroupFs& fs, const std::string& memoryDir) {
    return std::make_unique<V1OomWatcher>(fs, memoryDir);
}

std::unique_ptr<OomWatcher> makeV2OomWatcher(CgroupFs& fs, const std::string& dir) {
    return std::make_unique<V2OomWatcher>(fs, dir);
}

}  // namespace berth::runtime::cgroups
