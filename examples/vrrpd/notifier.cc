#include "notifier.h"

#include <optional>
#include <utility>

#include "fmt/format.h"

namespace vrrpd {
namespace {

using vrrp::config::Command;
using vrrp::config::NotifyCommands;

// The notify_<state> command for `state`, if the configuration has one.
const vrrp::config::OptionalCommand* StateCommand(const NotifyCommands& commands,
                                                  std::string_view state) {
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

Notifier::Notifier(vrrp::os::EventLoop& loop, ProcessRunner& runner, NotifierOptions options,
                   std::function<void(const std::string&)> log)
    : loop_(loop), runner_(runner), options_(options), log_(std::move(log)) {}

Notifier::~Notifier() {
  alive_.reset();
  for (auto& [key, queue] : queues_) {
    if (queue.block_timer != 0) loop_.CancelTimer(queue.block_timer);
    for (const Job& job : queue.jobs) {
      Log(fmt::format("{}: notify '{}' not run: the notifier is going away", key,
                      CommandLine(job.spec, job.args)));
    }
  }
}

void Notifier::Log(std::string line) const {
  if (log_) log_(line);
}

void Notifier::Enqueue(const std::string& key, CommandSpec spec, std::vector<std::string> args) {
  Queue& queue = queues_[key];
  queue.jobs.push_back(Job{std::move(spec), std::move(args)});
  if (queue.holding == 0) StartNext(key);
}

void Notifier::Notify(const NotifyCommands& commands, std::string_view type,
                      const std::string& name, std::string_view state, int priority,
                      const std::string& default_user, const std::string& default_group) {
  const std::string key = fmt::format("{} {}", type, name);
  if (const vrrp::config::OptionalCommand* command = StateCommand(commands, state);
      command != nullptr && command->has_value()) {
    Enqueue(key, SpecOf(**command, default_user, default_group), {});
  }
  if (commands.notify) {
    Enqueue(key, SpecOf(*commands.notify, default_user, default_group),
            {std::string(type), name, std::string(state), std::to_string(priority)});
  }
}

size_t Notifier::pending() const {
  size_t n = running_.size();
  for (const auto& [key, queue] : queues_) n += queue.jobs.size();
  return n;
}

size_t Notifier::Outstanding(Mark since) const {
  size_t n = 0;
  for (const auto& [key, queue] : queues_) n += queue.jobs.size();
  for (const auto& [token, running] : running_) {
    if (!running.released || token >= since) ++n;
  }
  return n;
}

void Notifier::StartNext(const std::string& key) {
  auto it = queues_.find(key);
  if (it == queues_.end()) return;
  Queue& queue = it->second;
  if (queue.jobs.empty()) {
    queues_.erase(it);
    return;
  }
  const uint64_t token = next_token_++;
  Running& running = running_[token];
  running.key = key;
  running.job = std::move(queue.jobs.front());
  running.start = loop_.Now();
  queue.jobs.pop_front();
  queue.holding = token;
  std::weak_ptr<int> alive = alive_;
  runner_.Run(running.job.spec, running.job.args, options_.timeout,
              [this, alive, token](const ProcessResult& result) {
                if (alive.expired()) return;
                OnDone(token, result);
              });
  if (options_.block <= absl::ZeroDuration()) {
    Release(key, token);
  } else if (options_.block != absl::InfiniteDuration()) {
    queue.block_timer = loop_.AddTimer(running.start + options_.block, [this, key, token] {
      if (auto fired = queues_.find(key); fired != queues_.end()) fired->second.block_timer = 0;
      Release(key, token);
    });
  }
}

void Notifier::Release(const std::string& key, uint64_t token) {
  auto queue = queues_.find(key);
  if (queue == queues_.end() || queue->second.holding != token) return;
  queue->second.holding = 0;
  auto running = running_.find(token);
  if (running != running_.end()) {
    running->second.released = true;
    if (options_.block > absl::ZeroDuration()) {
      Log(fmt::format(
          "{}: notify '{}' still running after {}: starting the next notification "
          "(it may run on until its timeout of {})",
          key, CommandLine(running->second.job.spec, running->second.job.args),
          absl::FormatDuration(options_.block), absl::FormatDuration(options_.timeout)));
    }
  }
  StartNext(key);
}

void Notifier::OnDone(uint64_t token, const ProcessResult& result) {
  auto it = running_.find(token);
  if (it == running_.end()) return;
  Running done = std::move(it->second);
  running_.erase(it);
  const std::string line = CommandLine(done.job.spec, done.job.args);
  if (!result.success()) {
    Log(fmt::format("{}: notify '{}' {}", done.key, line, Describe(result)));
  } else if (done.released && options_.block > absl::ZeroDuration()) {  // its let-go was news
    Log(fmt::format("{}: notify '{}' finished after {}", done.key, line,
                    absl::FormatDuration(absl::Trunc(result.elapsed, absl::Milliseconds(1)))));
  }
  auto queue = queues_.find(done.key);
  if (queue == queues_.end() || queue->second.holding != token) return;
  if (queue->second.block_timer != 0) loop_.CancelTimer(queue->second.block_timer);
  queue->second.block_timer = 0;
  queue->second.holding = 0;
  StartNext(done.key);
}

void Notifier::Abandon(std::string_view why) {
  for (const auto& [token, running] : running_) {
    Log(fmt::format(
        "{}: notify '{}' still running after {}, killed: {}", running.key,
        CommandLine(running.job.spec, running.job.args),
        absl::FormatDuration(absl::Trunc(loop_.Now() - running.start, absl::Milliseconds(1))),
        why));
  }
  for (auto& [key, queue] : queues_) {
    if (queue.block_timer != 0) loop_.CancelTimer(queue.block_timer);
    for (const Job& job : queue.jobs) {
      Log(fmt::format("{}: notify '{}' not run: {}", key, CommandLine(job.spec, job.args), why));
    }
  }
  running_.clear();
  queues_.clear();
}

}  // namespace vrrpd
