// Engine::removeAutoRemoved: the end of an attached `run --rm`. Docker's CLI returns only once
// the daemon reports the container "removed"; berth's CLI removes it itself. The container's
// monitor may be removing it at the same time (its exit command, when it lost the attached
// caller: a slow reader it dropped, a failed start): then this waits for that removal instead
// of failing on it, so either way the container is gone when this returns.
#include <errno.h>

#include <chrono>
#include <thread>

#include "common/error.hpp"
#include "engine/engine.hpp"

namespace berth::engine {

void Engine::removeAutoRemoved(const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
        try {
            remove(id, /*force=*/true);
            return;
        } catch (const NoSuchContainer&) {
            return;  // removed by the other one
        } catch (const Error& e) {
            // markRemoving: another live process is removing it.
            if (e.errnum() != EBUSY || std::chrono::steady_clock::now() > deadline) throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace berth::engine
