// Runs prepareRootfs + enterRootfs in a forked child inside fresh namespaces and lets the test
// inspect the result from inside, reported back over a pipe as "key=value" lines.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/mountinfo.hpp"
#include "oci/runtime_spec.hpp"
#include "runtime/linux/rootfs.hpp"
#include "support/spec_builders.hpp"

namespace berth::test {

// What an inspection callback adds to the report.
class Report {
  public:
    void add(const std::string& key, const std::string& value) {
        lines_ += key + "=" + value + "\n";
    }
    const std::string& text() const { return lines_; }

  private:
    std::string lines_;
};

struct ChildResult {
    int exitCode = -1;
    std::string error;  // what prepareRootfs/enterRootfs threw, if they did
    std::multimap<std::string, std::string> values;

    std::string get(const std::string& key) const {
        auto it = values.find(key);
        return it == values.end() ? "<missing " + key + ">" : it->second;
    }
};

struct ChildOptions {
    bool userNamespace = false;  // identity-mapped new user namespace (devices become binds)
    bool newNetwork = true;
    bool newIpc = true;
    bool newUts = true;
    bool newCgroup = false;
};

// A spec like `runc spec` / Docker's: proc, /dev tmpfs, devpts, shm, mqueue, sysfs ro, and the
// namespaces of `opts`.
oci::Spec dockerLikeSpec(const ChildOptions& opts = {});

ChildResult runInRootfs(const oci::Spec& spec, runtime::RootfsContext ctx,
                        const std::function<void(Report&)>& inspect, const ChildOptions& opts = {},
                        const std::function<void(Report&)>& afterPrepare = nullptr);

// Helpers for inspections (run inside the container).
std::string statSummary(const std::string& path);  // "c 1:3 0666" / "l pts/ptmx" / "err ENOENT"
std::string readResult(const std::string& path);   // "ok:<content>" / "err ENOENT"
std::string writeResult(const std::string& path, const std::string& data);  // "ok" / "err EROFS"

// This process's /proc/self/mountinfo.
std::vector<MountInfoEntry> mountTable();
// The last (top-most) mount at mountPoint, or nullptr.
const MountInfoEntry* findMount(const std::vector<MountInfoEntry>& table,
                                const std::string& mountPoint);
bool hasOption(const std::string& options, const std::string& opt);

}  // namespace berth::test
