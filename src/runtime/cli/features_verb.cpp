// `features`: the runtime-spec features document (features.md) on stdout.
#include <cstdio>

#include "runtime/cli/verbs.hpp"
#include "runtime/features/features_document.hpp"

namespace berth::runtime::cli {

int cmdFeatures(Context&, const Args& argv) {
    parseFlags(argv, {}, "features");
    std::string out = featuresDocument().dump(2) + "\n";
    fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace berth::runtime::cli
