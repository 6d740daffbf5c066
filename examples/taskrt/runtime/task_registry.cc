#include "runtime/task_registry.h"

#include <utility>

#include "runtime/task.h"

namespace taskrt {

TaskRegistry& TaskRegistry::Global() {
  static TaskRegistry* registry = new TaskRegistry();
  return *registry;
}

bool TaskRegistry::Add(const cyclegc::Ref<Task>& task) {
  cgc_weakref* w =
      cgc_weakref_new(task.header(), &TaskRegistry::OnTaskDied, this);
  if (w == nullptr) return false;
  std::lock_guard<std::mutex> lock(mu_);
  entries_.insert(w);
  return true;
}

void TaskRegistry::OnTaskDied(cgc_weakref* w, void* registry) {
  auto* self = static_cast<TaskRegistry*>(registry);
  bool owned;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    owned = self->entries_.erase(w) != 0;
  }
  if (owned) cgc_weakref_free(w);  // Clear() may have taken it already
}

std::vector<cyclegc::Ref<Task>> TaskRegistry::AllTasks() {
  std::vector<cyclegc::Ref<Task>> live;
  std::lock_guard<std::mutex> lock(mu_);
  // Under the lock: OnTaskDied cannot free an entry we are reading. The new
  // strong references are only moved here, never dropped, so no death (and
  // no OnTaskDied) runs while we hold the lock.
  for (cgc_weakref* w : entries_) {
    cyclegc::Ref<Task> t = cyclegc::Ref<Task>::AdoptHeader(cgc_weakref_get(w));
    if (t) live.push_back(std::move(t));
  }
  return live;
}

size_t TaskRegistry::EntryCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

void TaskRegistry::Clear() {
  absl::flat_hash_set<cgc_weakref*> taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    taken.swap(entries_);
  }
  for (cgc_weakref* w : taken) cgc_weakref_free(w);
}

}  // namespace taskrt
