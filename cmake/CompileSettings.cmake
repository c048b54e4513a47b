# One INTERFACE target carries the compile settings every TrainBench target shares.
add_library(trainbench_settings INTERFACE)
target_compile_features(trainbench_settings INTERFACE cxx_std_17)
target_compile_definitions(trainbench_settings INTERFACE
  TRAINBENCH_VERSION="${PROJECT_VERSION}")

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(trainbench_settings INTERFACE
    -Wall -Wextra -pedantic -Wnon-virtual-dtor -Woverloaded-virtual -Wold-style-cast)
  if(TRAINBENCH_WARNINGS_AS_ERRORS)
    target_compile_options(trainbench_settings INTERFACE -Werror)
  endif()
  if(TRAINBENCH_SANITIZERS)
    target_compile_options(trainbench_settings INTERFACE
      -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(trainbench_settings INTERFACE -fsanitize=address,undefined)
  endif()
elseif(MSVC)
  target_compile_options(trainbench_settings INTERFACE /W4 /permissive-)
endif()
