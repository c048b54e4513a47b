// The setup panel's descriptive texts: what a workload needs, what a precision means, what a
// device is.
#pragma once

#include <QString>

namespace tb {
struct DeviceFacts;
struct WorkloadInfo;
enum class Precision;
}  // namespace tb

namespace tb::ui {

// "CIFAR-10 · 23.6M parameters · 1.16 GFLOP/sample"
QString workloadNeeds(const WorkloadInfo& info);
// "fp32 (the seed's)", "bf16 mixed": a precision's entry in the menu.
QString precisionLabel(Precision precision);
// "Quick: about 5 minutes, projected": a time budget's entry in Length.
QString quickLengthText(double seconds);
// "79.6 GiB · compute 9.0 · driver 580.65.06 · precisions: fp32, tf32, bf16, fp16"
QString deviceFactsText(const DeviceFacts& facts);

}  // namespace tb::ui
