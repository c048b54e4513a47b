// One rank of a 2-rank data-parallel run without a partner: it exchanges nothing, so its
// training can be followed alone; gathering gives its own record twice.
#pragma once

#include "engine/gradient_exchange.h"

#include <string>
#include <vector>

namespace tbtest {

class LoneRank final : public tb::GradientExchange {
 public:
  explicit LoneRank(int rank = 1) : m_rank(rank) {}
  int rank() const override { return m_rank; }
  int worldSize() const override { return 2; }
  const char* backend() const override { return "none"; }
  void broadcastParameters(const std::vector<torch::Tensor>&) override {}
  void averageGradients(const std::vector<torch::Tensor>&) override {}
  double communicationSeconds() const override { return 0.0; }
  std::vector<std::string> gatherStrings(const std::string& mine) override { return {mine, mine}; }

 private:
  int m_rank;
};

}  // namespace tbtest
