# CPack: `cpack` in the build folder (or scripts/package.sh) makes a .deb on Linux; the macOS and
# Windows generators are set as documented in packaging/README.md but have not been tried.
# Included by packaging/CMakeLists.txt after the install rules.

set(CPACK_PACKAGE_NAME trainbench)
set(CPACK_PACKAGE_VENDOR "The TrainBench developers")
set(CPACK_PACKAGE_CONTACT "The TrainBench developers <trainbench@users.noreply.github.com>")
set(CPACK_PACKAGE_HOMEPAGE_URL ${TRAINBENCH_HOMEPAGE})
set(CPACK_PACKAGE_INSTALL_DIRECTORY TrainBench)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "benchmark neural-network training on each device of this machine")
# Debian shows the description as written: lines under 80 characters, a new paragraph after
# an empty line (CPack turns each into " ." and indents the others).
if(TARGET trainbench)
  set(CPACK_PACKAGE_DESCRIPTION
      "TrainBench runs the same training workload (LibTorch) on each device you\n"
      "choose - the CPU, every NVIDIA GPU, Apple's GPU - one after another and\n"
      "reports per-epoch loss, accuracy, epoch time, throughput and CPU\n"
      "utilisation. Every run is saved as a result file that compares side by\n"
      "side with runs from other machines.\n"
      "\n"
      "This package has the desktop app (trainbench, Qt 6) and the headless CLI\n"
      "(trainbench-cli).")
else()
  set(CPACK_PACKAGE_DESCRIPTION
      "TrainBench runs the same training workload (LibTorch) on each device you\n"
      "choose - the CPU, every NVIDIA GPU - one after another and reports\n"
      "per-epoch loss, accuracy, epoch time, throughput and CPU utilisation.\n"
      "Every run is saved as a result file that compares side by side with runs\n"
      "from other machines.\n"
      "\n"
      "This package has the headless CLI (trainbench-cli) only, built without Qt.")
endif()
# Debian's LibTorch has no CUDA: a package built on it trains on the CPU only, and says so
# rather than promise the GPUs above.
if(NOT (TARGET torch_cuda OR TORCH_CUDA_LIBRARIES))
  string(APPEND CPACK_PACKAGE_DESCRIPTION
         "\n\nBuilt on a LibTorch without CUDA (Debian's), it trains on the CPU only; for\n"
         "GPUs, build it against a LibTorch with CUDA (see its README).")
endif()
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_STRIP_FILES ON)

if(APPLE)
  set(CPACK_GENERATOR DragNDrop)  # untried: see packaging/README.md
elseif(WIN32)
  set(CPACK_GENERATOR ZIP)        # untried: see packaging/README.md
else()
  set(CPACK_GENERATOR DEB)
endif()

# Debian: trainbench_<version>_<arch>.deb; library dependencies come from dpkg-shlibdeps.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# OpenBLAS makes the MLP workloads several times faster than Debian's reference BLAS.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS libopenblas0-openmp)
if(TARGET trainbench)
  # Loaded as Qt plugins at run time, so dpkg-shlibdeps cannot see it: the app's SVG icon.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS libqt6svg6)
endif()

include(CPack)
