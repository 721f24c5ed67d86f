// `berth image busybox [REF]`: makes a small busybox image from the host's busybox-static.
#include <sys/mman.h>
#include <unistd.h>

#include "cli/busybox/busybox_rootfs.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"
#include "common/fd.hpp"
#include "store/reference.hpp"

namespace berth::cli {
namespace {

int runBusybox(Invocation& inv) {
    std::string ref = inv.args.empty() ? "busybox:latest" : inv.args[0];
    store::Reference::parse(ref);  // a bad name fails before any work
    std::string busybox = inv.flags.getString("busybox");

    // The tar goes to an anonymous memory file (about 2 MB), then through the store's import.
    UniqueFd mem(memfd_create("berth-busybox-rootfs", MFD_CLOEXEC));
    if (!mem) throw SysError("memfd_create");
    writeBusyboxRootfsTar(mem.get(), busybox);
    if (lseek(mem.get(), 0, SEEK_SET) != 0) throw SysError("lseek busybox rootfs");

    store::ImportOptions opts;
    opts.ref = ref;
    opts.changes = {"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "CMD [\"sh\"]"};
    for (const auto& c : inv.flags.getList("change")) opts.changes.push_back(c);
    opts.message = "berth image busybox from " + busybox;
    store::Digest id = inv.ctx.images().importRootfs(mem.get(), opts);
    inv.ctx.out() << id.str() << "\n";
    return 0;
}

}  // namespace

CommandPtr makeImageBusyboxCommand() {
    auto c = std::make_shared<Command>();
    c->name = "busybox";
    c->use = "[OPTIONS] [REPOSITORY[:TAG]]";
    c->shortHelp = "Make a small busybox image from the host's busybox-static (berth extension)";
    c->longHelp =
        "Make a small busybox image from the host's busybox-static (berth extension)\n\n"
        "The image (default name busybox:latest) holds /bin/busybox from Debian's busybox-static\n"
        "package, a symlink per applet (busybox --list-full), /etc/passwd and /etc/group (root,\n"
        "nobody, ...), /etc/hosts, /tmp (1777), /root, /proc, /sys and /dev; its command is\n"
        "[\"sh\"]. The rootfs tar is written in process and imported like `berth import`;\n"
        "the new image ID is printed. No network needed.\n\n"
        "  berth image busybox\n"
        "  berth run --rm busybox echo hello";
    c->args(ArgsRule::AtMost, 0, 1);
    c->flags.addString("busybox", 0, "busybox-static binary to use", kDefaultBusybox)
        .addList("change", 'c', "Apply Dockerfile instruction to the created image");
    c->run = runBusybox;
    return c;
}

}  // namespace berth::cli
