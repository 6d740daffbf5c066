// Runtime lifecycle state shared by the runtime's files.
#ifndef CYCLEGC_COLLECTOR_LIFECYCLE_H_
#define CYCLEGC_COLLECTOR_LIFECYCLE_H_

namespace cyclegc::internal {

// Between a successful cgc_init and cgc_shutdown (thread_state.cc).
bool RuntimeInitialized();
// init.cc, under its lock.
void SetRuntimeInitialized(bool initialized);

// fork.cc: installs the pthread_atfork handlers (once per process).
void InstallForkHandlers();

}  // namespace cyclegc::internal

#endif  // CYCLEGC_COLLECTOR_LIFECYCLE_H_
