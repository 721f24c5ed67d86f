// berth-trash: empties <root>/trash in the background (engine/trash/trash.hpp).
#include "engine/trash/trash.hpp"

int main(int argc, char** argv) {
    return berth::engine::trash::runDeleter(argc, argv);
}
