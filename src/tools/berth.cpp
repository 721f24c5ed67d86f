// berth: the Docker-compatible CLI (daemonless). Everything lives in src/cli/.
#include "cli/app.hpp"

int main(int argc, char** argv) {
    return berth::cli::berthMain(argc, argv);
}
