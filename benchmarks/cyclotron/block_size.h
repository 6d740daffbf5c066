// The block an allocation takes in mimalloc 2.0.9 (the pinned version, release
// build: no padding): the live set counts what objects occupy, not what they
// asked for. Mirrors mi_bin's size classes; the harness sees no mimalloc.
#ifndef CYCLOTRON_BLOCK_SIZE_H_
#define CYCLOTRON_BLOCK_SIZE_H_

#include <cstdint>

namespace cyclotron {

// 8-byte steps up to 64 bytes, then four classes per power of two up to
// 128 KiB; larger requests are rounded as the OS layer rounds them.
int64_t BlockBytes(int64_t request);

}  // namespace cyclotron

#endif  // CYCLOTRON_BLOCK_SIZE_H_
