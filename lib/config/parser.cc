// keepalived.conf → Configuration, in two passes: the include reader turns the file and what it
// includes into one token stream, the block readers collect it into pending records (first
// pass), and resolve.cc applies the global_defs defaults, validates each instance and resolves
// cross-references (second pass). Only a fully resolved Configuration leaves; any error returns
// before that, so nothing is ever half-applied.
#include "blocks.h"
#include "cursor.h"
#include "include_reader.h"
#include "resolve.h"
#include "vrrp/config/config.h"

namespace vrrp::config {

absl::StatusOr<Configuration> ParseString(std::string_view text, const std::string& file_name,
                                          const ParseOptions& options) {
  MemoryFileSource none;
  FileSource& files = options.files != nullptr ? *options.files : none;
  ParseState state;
  IncludeReader reader(options, files, state.conf.warnings);
  if (absl::Status s = reader.Read(text, file_name); !s.ok()) return s;
  Cursor in(reader.tokens(), reader.file_names(), state.conf.warnings, options.strict);
  if (absl::Status s = ReadTopLevel(in, state); !s.ok()) return s;
  if (absl::Status s = Resolve(state); !s.ok()) return s;
  return std::move(state.conf);
}

absl::StatusOr<Configuration> ParseFile(const std::string& path, const ParseOptions& options) {
  DiskFileSource disk;
  FileSource& files = options.files != nullptr ? *options.files : disk;
  absl::StatusOr<std::string> text = files.Read(path);
  if (!text.ok()) return text.status();
  ParseOptions with_files = options;
  with_files.files = &files;
  return ParseString(*text, path, with_files);
}

}  // namespace vrrp::config
