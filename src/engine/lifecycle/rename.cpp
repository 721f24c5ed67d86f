// Engine::rename: moby daemon/rename.go's rules and texts, under the containers lock (names
// stay unique against a concurrent create or rename).
#include "common/error.hpp"
#include "engine/container/container_ids.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"

namespace berth::engine {

void Engine::rename(const std::string& idOrName, const std::string& newNameIn) {
    if (idOrName.empty() || newNameIn.empty())
        throw Error("Neither old nor new names may be empty");
    std::string newName = newNameIn[0] == '/' ? newNameIn.substr(1) : newNameIn;
    ContainerRecord rec = store_.get(idOrName);
    std::string oldName = rec.name;
    if (rec.name == newName) throw Error("Renaming a container with the same name as its current name");
    try {
        validateContainerName(newName);
    } catch (const Error&) {
        throw Error("Error when allocating new name: Invalid container name (/" + newName +
                    "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    if (auto other = store_.byName(newName))
        throw Error("Error when allocating new name: Conflict. The container name \"/" + newName +
                        "\" is already in use by container \"" + other->id +
                        "\". You have to remove (or rename) that container to be able to reuse that name.",
                    EEXIST);
    rec.name = newName;
    try {
        store_.save(rec);  // the DB keeps names unique against a concurrent create/rename
    } catch (const NameConflict& e) {
        throw Error("Error when allocating new name: Conflict. The container name \"/" + newName +
                        "\" is already in use by container \"" + e.otherId() +
                        "\". You have to remove (or rename) that container to be able to reuse that name.",
                    EEXIST);
    }
    events::recordContainer(*this, rec, "rename", {{"oldName", "/" + oldName}});
}

}  // namespace berth::engine
