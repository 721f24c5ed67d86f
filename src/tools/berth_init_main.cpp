// berth-init: see engine/init/reaping_init.hpp.
#include "engine/init/reaping_init.hpp"

int main(int argc, char** argv) {
    return berth::init::runReapingInit(argc, argv);
}
