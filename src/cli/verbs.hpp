// Constructors of every verb's command (one file per verb under verbs/) and of the groups.
#pragma once

#include "cli/command.hpp"

namespace berth::cli {

CommandPtr makeVersionCommand();

// image group (issue 4)
CommandPtr makeImageLsCommand();       // images, image ls, image list
CommandPtr makeImageInspectCommand();  // image inspect
CommandPtr makeHistoryCommand();       // history, image history
CommandPtr makeTagCommand();           // tag, image tag
CommandPtr makeImageRmCommand();       // rmi, image rm
CommandPtr makeImagePruneCommand();    // image prune
CommandPtr makeLoadCommand();          // load, image load
CommandPtr makeSaveCommand();          // save, image save
CommandPtr makeImportCommand();        // import, image import
CommandPtr makeImageBusyboxCommand();  // image busybox (berth extension)
CommandPtr makeSystemDfCommand();      // system df
CommandPtr makeSystemCheckCommand();   // system check (verbs/system_check.cpp)
CommandPtr makeInspectCommand();       // inspect (images for now)

// container verbs (issue 5; verbs/run.cpp, container_verbs.cpp, ps.cpp, logs_inspect.cpp)
CommandPtr makeRunCommand();               // run, container run
CommandPtr makeCreateCommand();            // create, container create
CommandPtr makeStartCommand();             // start, container start
CommandPtr makeStopCommand();              // stop, container stop
CommandPtr makeKillCommand();              // kill, container kill
CommandPtr makeRmCommand();                // rm, container rm
CommandPtr makeWaitCommand();              // wait, container wait
CommandPtr makeLogsCommand();              // logs, container logs
CommandPtr makePsCommand();                // ps, container ls
CommandPtr makeContainerInspectCommand();  // container inspect
CommandPtr makeCpCommand();                // cp, container cp
CommandPtr makeDiffCommand();              // diff, container diff
CommandPtr makeExportCommand();            // export, container export
CommandPtr makeCommitCommand();            // commit, container commit
CommandPtr makeExecCommand();              // exec, container exec (verbs/exec.cpp)
CommandPtr makeAttachCommand();            // attach, container attach (verbs/attach.cpp)
CommandPtr makeContainerCommand();         // the container group
// (issue 5, live: one file each under verbs/)
CommandPtr makeRestartCommand();         // restart, container restart
CommandPtr makePauseCommand();           // pause, container pause
CommandPtr makeUnpauseCommand();         // unpause, container unpause
CommandPtr makeTopCommand();             // top, container top
CommandPtr makeStatsCommand();           // stats, container stats
CommandPtr makeUpdateCommand();          // update, container update
CommandPtr makeRenameCommand();          // rename, container rename
CommandPtr makePortCommand();            // port, container port
CommandPtr makeContainerPruneCommand();  // container prune (no top-level shortcut)

// volume group (issue 5; verbs/volume.cpp): volume create/ls/inspect/rm/prune
CommandPtr makeVolumeCommand();
// `volume inspect` (also behind the top-level `inspect`); needs a "format" flag.
int runVolumeInspect(Invocation& inv);
// Whether every name is a volume / any name is an image (top-level inspect's choice).
bool allVolumes(CliContext& ctx, const std::vector<std::string>& names);
bool anyImage(CliContext& ctx, const std::vector<std::string>& names);

// observability (verbs/events.cpp, info.cpp)
CommandPtr makeEventsCommand();  // events, system events
CommandPtr makeInfoCommand();    // info, system info

// Groups with their verbs; app.cpp adds the top-level shortcuts.
CommandPtr makeImageCommand();
CommandPtr makeSystemCommand();

}  // namespace berth::cli
