// The peak probe: measures what a device can do at best, so a run's throughput can be read as a
// share of it. Dense matrix products (TFLOPS) in each precision the device supports, and memory
// bandwidth (a large copy within the device), in about a second or two per device.
#pragma once

#include "devices/device_id.h"
#include "results/run_result.h"

#include <atomic>
#include <cstdint>

namespace tb {

struct ProbeOptions {
  double secondsPerFigure = 0.3;  // measuring time for each figure (after one warm-up call)
  std::int64_t matrixSize = 0;    // n of the n x n products; 0: 1024 on the CPU, 8192 on a GPU
  std::int64_t copyBytes = 0;     // bytes copied; 0: 128 MiB on the CPU, 1 GiB on a GPU
  // Set (e.g. by Ctrl-C): the measuring stops after the call in flight, and the figures are
  // not to be used. Null: never.
  const std::atomic<bool>* cancel = nullptr;
};

// Measures `device` on the calling thread (the CPU with LibTorch's current thread count).
// fp32 always; tf32, bf16 and fp16 where supportedPrecisions() allows them, except bf16 on a
// CPU without a fast bf16 path (below half the fp32 rate), which is left out with a note.
// A measuring time that is not a positive number takes the default. Throws what LibTorch throws
// (e.g. out of memory on a full GPU).
PeakFigures probeDevice(const DeviceId& device, const ProbeOptions& options = {});

// probeDevice with the default options, measured once per device (and CPU thread count) per
// process and then reused, so repeated runs pay for it once. std::nullopt if the probe failed,
// or was cut short by `cancel` (then nothing is kept for the next call).
std::optional<PeakFigures> cachedPeak(const DeviceId& device,
                                      const std::atomic<bool>* cancel = nullptr);

// Measures `device` now, with `cpuThreads` for a CPU (0: the physical cores, as runs), and
// keeps the figures for cachedPeak, so the next run on it records them without measuring
// again (the GUI's "Measure device peaks"). Throws what probeDevice throws.
PeakFigures measurePeakForRuns(const DeviceId& device, int cpuThreads);

// False when $TRAINBENCH_SKIP_PROBE is set to anything but "0": runs then record no peak (the
// test suites set it to stay fast).
bool probeEnabledByEnvironment();

}  // namespace tb
