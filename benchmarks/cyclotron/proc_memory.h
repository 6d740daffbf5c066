// Resident memory of this process as the OS reports it.
#ifndef CYCLOTRON_PROC_MEMORY_H_
#define CYCLOTRON_PROC_MEMORY_H_

#include <cstdint>

namespace cyclotron {

// Current resident set in bytes (/proc/self/statm); -1 if unreadable.
int64_t CurrentRssBytes();
// Peak resident set in bytes (VmHWM in /proc/self/status); -1 if unreadable.
int64_t PeakRssBytes();

}  // namespace cyclotron

#endif  // CYCLOTRON_PROC_MEMORY_H_
