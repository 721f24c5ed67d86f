// What cp, diff, export and commit share: Docker's wording of their failures.
#pragma once

#include <functional>

#include "cli/command.hpp"
#include "cli/verbs/container_util.hpp"
#include "engine/fs/container_copy.hpp"

namespace berth::cli {

// Runs fn; a daemon-side failure reads "Error response from daemon: MSG", a client-side one
// "MSG" (both exit 1), as docker prints them.
inline int withDockerErrors(const std::function<int()>& fn) {
    try {
        return fn();
    } catch (const engine::fs::DaemonError& e) {
        throw StatusError(1, "Error response from daemon: " + plainMessage(e));
    } catch (const engine::NoSuchContainer& e) {
        throw StatusError(1, "Error response from daemon: " + plainMessage(e));
    } catch (const StatusError&) {
        throw;
    } catch (const UsageError&) {
        throw;
    } catch (const Error& e) {
        throw StatusError(1, plainMessage(e));
    }
}

}  // namespace berth::cli
