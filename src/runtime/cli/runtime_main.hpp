// main() of berth-runtime: global flags, logging, the verb, and error reporting.
#pragma once

namespace berth::runtime::cli {

int runtimeMain(int argc, char** argv);

}  // namespace berth::runtime::cli
