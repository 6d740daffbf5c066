// TEMPORARY weak fallbacks so each module links before the others land.
// Each owner deletes its functions from here as soon as its real definitions
// exist. This file is removed once empty; never ship with it.
#include "seams.h"

#define CGC_WEAK __attribute__((weak))

namespace cyclegc::internal {
}  // namespace cyclegc::internal
