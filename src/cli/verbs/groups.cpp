// The management command groups (`berth image ...`, `berth system ...`).
#include "cli/verbs.hpp"

namespace berth::cli {

CommandPtr makeImageCommand() {
    auto c = std::make_shared<Command>();
    c->name = "image";
    c->shortHelp = "Manage images";
    c->group = "management";
    c->add(makeImageBusyboxCommand())
        .add(makeHistoryCommand())
        .add(makeImportCommand())
        .add(makeImageInspectCommand())
        .add(makeLoadCommand())
        .add(makeImageLsCommand())
        .add(makeImagePruneCommand())
        .add(makeImageRmCommand())
        .add(makeSaveCommand())
        .add(makeTagCommand());
    return c;
}

CommandPtr makeSystemCommand() {
    auto c = std::make_shared<Command>();
    c->name = "system";
    c->shortHelp = "Manage berth";
    c->group = "management";
    c->add(makeSystemDfCommand());
    c->add(makeSystemCheckCommand());
    c->add(makeEventsCommand()).add(makeInfoCommand());
    return c;
}

}  // namespace berth::cli
