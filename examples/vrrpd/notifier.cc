#include "notifier.h"

#include <optional>
#include <utility>

#include "fmt/format.h"

namespace vrrpd {
namespace {

using vrrp::config::Command;
using vrrp::config::NotifyCommands;

// The notify_<state> command for `state`, if the configuration has one.
const std::optional<Command>* StateCommand(const NotifyCommands& commands, std::string_view state) {
  if (state == "MASTER") return &commands.master;
  if (state == "BACKUP") return &commands.backup;
  if (state == "FAULT") return &commands.fault;
  if (state == "STOP") return &commands.stop;
  return nullptr;
}

CommandSpec SpecOf(const Command& command, const std::string& default_user,
                   const std::string& default_group) {
  CommandSpec spec{command.command, command.user, command.group};
  if (spec.user.empty()) {
    spec.user = default_user;
    spec.group = default_group;
  }
  return spec;
}

std::string CommandLine(const CommandSpec& spec, const std::vector<std::string>& args) {
  std::string line = spec.command;
  for (const std::string& arg : args) line += " " + arg;
  return line;
}

}  // namespace

Notifier::Notifier(ProcessRunner& runner, absl::Duration timeout,
                   std::function<void(const std::string&)> log)
    : runner_(runner), timeout_(timeout), log_(std::move(log)) {}

Notifier::~Notifier() { alive_.reset(); }

void Notifier::Enqueue(const std::string& key, CommandSpec spec, std::vector<std::string> args) {
  Queue& queue = queues_[key];
  queue.jobs.push_back(Job{std::move(spec), std::move(args)});
  if (!queue.running) StartNext(key);
}

void Notifier::Notify(const NotifyCommands& commands, std::string_view type,
                      const std::string& name, std::string_view state, int priority,
                      const std::string& default_user, const std::string& default_group) {
  const std::string key = fmt::format("{} {}", type, name);
  if (const std::optional<Command>* command = StateCommand(commands, state);
      command != nullptr && command->has_value()) {
    Enqueue(key, SpecOf(**command, default_user, default_group), {});
  }
  if (commands.notify) {
    Enqueue(key, SpecOf(*commands.notify, default_user, default_group),
            {std::string(type), name, std::string(state), std::to_string(priority)});
  }
}

size_t Notifier::pending() const {
  size_t n = 0;
  for (const auto& [key, queue] : queues_) n += queue.jobs.size();
  return n;
}

void Notifier::StartNext(const std::string& key) {
  Queue& queue = queues_[key];
  queue.running = true;
  const Job& job = queue.jobs.front();
  std::weak_ptr<int> alive = alive_;
  runner_.Run(job.spec, job.args, timeout_, [this, alive, key](const ProcessResult& result) {
    if (alive.expired()) return;
    OnDone(key, result);
  });
}

void Notifier::OnDone(const std::string& key, const ProcessResult& result) {
  auto it = queues_.find(key);
  if (it == queues_.end() || it->second.jobs.empty()) return;
  Queue& queue = it->second;
  const Job job = std::move(queue.jobs.front());
  queue.jobs.pop_front();
  queue.running = false;
  if (!result.success() && log_) {
    log_(fmt::format("{}: notify '{}' {}", key, CommandLine(job.spec, job.args), Describe(result)));
  }
  if (queue.jobs.empty()) {
    queues_.erase(it);
  } else {
    StartNext(key);
  }
}

}  // namespace vrrpd
