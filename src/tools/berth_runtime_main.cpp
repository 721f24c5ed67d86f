// berth-runtime: the OCI runtime (runc-compatible CLI). Everything lives in runtime/cli/.
#include "runtime/cli/runtime_main.hpp"

int main(int argc, char** argv) { return berth::runtime::cli::runtimeMain(argc, argv); }
