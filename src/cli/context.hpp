// What every verb shares: the global flags (state root, log level), the output streams, stdin,
// and the image store opened on first use on the state root.
#pragma once

#include <memory>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace berth::store {
class ImageStore;
}

namespace berth::cli {

inline constexpr const char* kDefaultRoot = "/var/lib/berth";

class CliContext {
  public:
    CliContext(std::ostream& out, std::ostream& err, int stdinFd = 0);
    ~CliContext();

    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }
    int stdinFd() const { return stdinFd_; }
    // Whether stdout is a terminal (load/save refuse to write archives to a terminal).
    bool stdoutIsTerminal() const;

    std::string root = kDefaultRoot;  // --root, BERTH_ROOT
    std::string logLevel = "info";

    // Opens the store on `root` the first time it is asked for.
    store::ImageStore& images();

    // Which containers use an image (their IDs). HOOK for the engine: no container DB exists yet,
    // so this answers "none"; `rmi`/`image prune`/`system df` already pass it to the store.
    std::vector<std::string> containersUsingImage(const std::string& imageId);
    // image ID → IDs of the containers made from it.
    std::map<std::string, std::vector<std::string>> containersByImage();

  private:
    std::ostream& out_;
    std::ostream& err_;
    int stdinFd_;
    std::shared_ptr<store::ImageStore> store_;  // shared_ptr: type-erased deleter
};

}  // namespace berth::cli
