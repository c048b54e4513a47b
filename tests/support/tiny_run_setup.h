// A run of the main window's Setup that trains in a moment: the seed MLP on 600 synthetic
// images for two epochs, on the CPU.
#pragma once

#include "panels/setup_panel.h"

#include <QString>

namespace tbtest {

inline void setTinyRun(tb::ui::SetupPanel* setup) {
  setup->setWorkload(QStringLiteral("fashion-mlp"));
  setup->setCheckedDevices({QStringLiteral("cpu")});
  setup->setSynthetic(true);
  setup->setEpochs(2);
  setup->setTrainLimit(600);
  setup->setTestLimit(100);
}

}  // namespace tbtest
