// `trainbench-cli devices`, `workloads` and `show`: read-only views of what is there.
#pragma once

#include <string>

namespace tb::cli {

int devicesCommand(bool json);
int workloadsCommand(bool json);
int showCommand(const std::string& path, bool json);

}  // namespace tb::cli
