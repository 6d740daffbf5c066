// TaskRegistry: every task, held only weakly (like asyncio's all-tasks set).
// Entries leave when their task dies, through the weak reference's callback.
// Being in the registry keeps nothing alive: that is the loop's job.
#ifndef TASKRT_RUNTIME_TASK_REGISTRY_H_
#define TASKRT_RUNTIME_TASK_REGISTRY_H_

#include <cstddef>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "cyclegc/cyclegc.h"
#include "cyclegc/cyclegc.hpp"
#include "runtime/task.h"

namespace taskrt {

class TaskRegistry {
 public:
  static TaskRegistry& Global();

  // Returns false if the weak reference could not be made (cgc_last_error()).
  bool Add(const cyclegc::Ref<Task>& task);
  // Strong references to the tasks still alive (asyncio.all_tasks()).
  std::vector<cyclegc::Ref<Task>> AllTasks();
  size_t LiveCount() { return AllTasks().size(); }
  // Entries not yet removed by a death callback.
  size_t EntryCount();
  // Frees every weak reference; required before cgc_shutdown.
  void Clear();

 private:
  static void OnTaskDied(cgc_weakref* w, void* registry);

  // Never held across anything that can drop a reference: a death runs
  // OnTaskDied, which takes it.
  std::mutex mu_;
  absl::flat_hash_set<cgc_weakref*> entries_;  // guarded by mu_
};

}  // namespace taskrt

#endif  // TASKRT_RUNTIME_TASK_REGISTRY_H_
