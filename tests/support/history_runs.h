// The saved runs the History tests list, and a cell of the History's table as shown.
#pragma once

#include "run_result_builder.h"

#include <QAbstractItemModel>
#include <QString>

#include <algorithm>
#include <optional>
#include <string>

namespace tbtest {

// A small completed CPU run on synthetic data, created at `created` on `host`.
inline tb::RunResult makeResult(const std::string& created, const std::string& host,
                               std::optional<double> total, bool tested = true) {
  tbtest::RunResultBuilder run;
  run.created(created);
  run.workload("fashion-mlp", "fashion-mnist").dataSource("synthetic").samples(600, 100);
  run.parameters(109386).plannedEpochs(1).batchSize(32).optimizer("adam", 0.001).seed(42);
  run.threads(2).precision("fp32").device("cpu", "Test CPU").host(host);
  // The epoch within the total, which is timed around it (the reader refuses less).
  run.epoch(std::min(4.2, total.value_or(4.2)), 14000.0)
      .loss(0.5)
      .accuracy(0.82)
      .totalSeconds(total);
  if (tested) run.test(0.4, 0.855);
  return run;
}

inline QString cell(const QAbstractItemModel* model, int row, int column, int role = Qt::DisplayRole) {
  return model->index(row, column).data(role).toString();
}


}  // namespace tbtest
