// The setup panel's descriptive texts (setup_texts.h).
#include "panels/setup_texts.h"

#include "common/qt_convert.h"
#include "devices/device_facts.h"
#include "engine/precision.h"
#include "models/workload_catalog.h"
#include "panels/setup_panel.h"

#include <QLocale>
#include <QStringList>

#include <cmath>

namespace tb::ui {

// "CIFAR-10 · 23.6M parameters · 0.467 GFLOP/sample": what a workload needs, at a glance.
QString workloadNeeds(const WorkloadInfo& info) {
  const QLocale locale;
  QString text = info.parameters >= 1000000
                     ? SetupPanel::tr("%1 \u00b7 %2M parameters")
                           .arg(toQString(info.datasetTitle),
                                locale.toString(static_cast<double>(info.parameters) / 1e6, 'f', 1))
                     : SetupPanel::tr("%1 \u00b7 %L2 parameters")
                           .arg(toQString(info.datasetTitle))
                           .arg(static_cast<qlonglong>(info.parameters));
  // Training FLOPs (forward + backward) per image; absent rather than 0 when not known.
  if (info.flopsPerSample > 0) {
    text += SetupPanel::tr(" \u00b7 %1 GFLOP/sample")
                .arg(locale.toString(info.flopsPerSample / 1e9, 'g', 3));
  }
  return text;
}

// What each precision means in the menu; its data is the core's name for it.
QString precisionLabel(Precision precision) {
  switch (precision) {
    case Precision::Fp32:
      return SetupPanel::tr("fp32 (the seed's)");
    case Precision::Tf32:
      return SetupPanel::tr("tf32 (NVIDIA Ampere or newer)");
    case Precision::Bf16:
      return SetupPanel::tr("bf16 mixed");
    case Precision::Fp16:
      return SetupPanel::tr("fp16 mixed (NVIDIA)");
  }
  return QString::fromLatin1(toString(precision));
}

// "79.6 GiB · compute 9.0 · driver 580.65.06 · precisions: fp32, tf32, bf16, fp16": a device's
// facts at a glance, as the device's tooltip.
QString deviceFactsText(const DeviceFacts& facts) {
  QStringList parts;
  if (facts.physicalCores && facts.logicalCores) {
    parts << SetupPanel::tr("%1 cores, %2 threads")
                 .arg(*facts.physicalCores)
                 .arg(*facts.logicalCores);
  }
  if (facts.memoryMb) parts << SetupPanel::tr("%1 GiB").arg(*facts.memoryMb / 1024.0, 0, 'f', 1);
  if (facts.computeCapability) {
    parts << SetupPanel::tr("compute %1").arg(toQString(*facts.computeCapability));
  }
  if (facts.driverVersion) {
    parts << SetupPanel::tr("driver %1").arg(toQString(*facts.driverVersion));
  }
  QStringList precisions;
  for (const auto precision : supportedPrecisions(facts.id, facts.computeCapability)) {
    precisions << QString::fromLatin1(toString(precision));
  }
  parts << SetupPanel::tr("precisions: %1").arg(precisions.join(QStringLiteral(", ")));
  if (!facts.note.empty()) parts << toQString(facts.note);
  return parts.join(QStringLiteral(" \u00b7 "));
}

QString quickLengthText(double seconds) {
  const QLocale locale;
  // Whole minutes and hours read as such; anything else in seconds, so two budgets never read
  // alike (120.5 s is not "2 minutes").
  QString about;
  if (seconds == 3600.0) {
    about = SetupPanel::tr("about 1 hour");
  } else if (seconds > 3600.0 && std::fmod(seconds, 3600.0) == 0.0) {
    about = SetupPanel::tr("about %1 hours").arg(seconds / 3600.0);
  } else if (seconds == 60.0) {
    about = SetupPanel::tr("about 1 minute");
  } else if (seconds > 60.0 && std::fmod(seconds, 60.0) == 0.0) {
    about = SetupPanel::tr("about %1 minutes").arg(seconds / 60.0);
  } else {
    about = SetupPanel::tr("about %1 s").arg(locale.toString(seconds, 'g', 10));
  }
  return SetupPanel::tr("Quick: %1, projected").arg(about);
}

}  // namespace tb::ui
