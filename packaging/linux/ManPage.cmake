# Turns a program's own --help into a man page with help2man (run by the build with cmake -P).
#   -DHELP2MAN=path -DPROGRAM=built binary -DOUTPUT=page.1 -DNAME_LINE="what it does"
#   -DINCLUDE=static sections (.h2m) -DGZIP=path (optional: also writes page.1.gz, gzip -9n)
#   -DSUBCOMMANDS=ON (optional: adds a COMMANDS section made
#   from "PROGRAM <subcommand> --help" for each subcommand the CLI11 help lists, recursively)
#   -DVERSION=x.y.z (optional: the page's version; else the program's whole --version line)
#   -DSOURCE_DATE_EPOCH=seconds (optional: the page's date, else this month's)
# Output is captured and shown only on failure, so a noisy program does not clutter the build log.
cmake_minimum_required(VERSION 3.21)
foreach(var HELP2MAN PROGRAM OUTPUT NAME_LINE INCLUDE)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ManPage.cmake: -D${var}= is missing")
  endif()
endforeach()

# The desktop app builds a QApplication before it parses --help: no display is needed for that.
set(ENV{QT_QPA_PLATFORM} offscreen)
set(ENV{ASAN_OPTIONS} detect_leaks=0)
# help2man dates the page from it (the release's date: the page reads the same whenever built).
if(SOURCE_DATE_EPOCH)
  set(ENV{SOURCE_DATE_EPOCH} "${SOURCE_DATE_EPOCH}")
endif()

# Man-page text: backslashes, hyphens and leading dots or quotes mean something to roff.
function(roff_escape text out)
  string(REPLACE "@SEMICOLON@" ";" text "${text}")
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "^([.'])" "\\\\&\\1" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Appends to `result` a .SS for "PROGRAM <words> --help": its summary, then each option,
# positional argument and subcommand as a .TP entry; then recurses into the subcommands.
function(document_command words result)
  execute_process(COMMAND "${PROGRAM}" ${words} --help RESULT_VARIABLE rc
                  OUTPUT_VARIABLE help ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} ${words} --help failed (${rc}):\n${help}${err}")
  endif()
  string(REPLACE ";" "@SEMICOLON@" help "${help}")  # keep them from splitting the lines below
  string(REPLACE "\n" ";" lines "${help}")
  string(REPLACE ";" " " title "${words}")
  set(text "")
  if(words)
    list(GET lines 0 summary)
    roff_escape("${summary}" summary)
    set(text ".SS \"${title}\"\n${summary}\n")
  endif()
  set(heading "")
  set(pending "")  # an entry whose description is on the next line
  set(children "")
  foreach(line IN LISTS lines)
    set(entry "")
    if(line MATCHES "^([A-Za-z][A-Za-z ]*):$")
      set(heading "${CMAKE_MATCH_1}")
      set(pending "")
    elseif(line MATCHES "^  ([^ ]+( [^ ]+)*)  +([^ ].*)$")  # entry and description
      set(entry "${CMAKE_MATCH_1}")
      set(description "${CMAKE_MATCH_3}")
    elseif(line MATCHES "^  ([^ ]+( [^ ]+)*)$")  # a long entry: its description follows
      set(pending "${CMAKE_MATCH_1}")
    elseif(pending AND line MATCHES "^ +([^ ].*)$")
      set(entry "${pending}")
      set(description "${CMAKE_MATCH_1}")
      set(pending "")
    endif()
    if(entry STREQUAL "")
      continue()
    endif()
    roff_escape("${description}" description)
    if(heading STREQUAL "Subcommands")
      list(APPEND children "${entry}")
      if(words)  # the top level's subcommands are listed by help2man already
        roff_escape("${title} ${entry}" name)
        string(APPEND text ".TP\n\\fB${name}\\fR\n${description}\n")
      endif()
    elseif(words)
      roff_escape("${entry}" name)
      if(heading STREQUAL "Positionals")
        string(APPEND text ".TP\n\\fI${name}\\fR\n${description}\n")
      else()
        string(APPEND text ".TP\n\\fB${name}\\fR\n${description}\n")
      endif()
    endif()
  endforeach()
  foreach(child IN LISTS children)
    set(child_words ${words} ${child})
    document_command("${child_words}" child_text)
    string(APPEND text "${child_text}")
  endforeach()
  set(${result} "${text}" PARENT_SCOPE)
endfunction()

file(READ "${INCLUDE}" include_text)
if(SUBCOMMANDS)
  document_command("" commands)
  string(APPEND include_text "\n[COMMANDS]\n${commands}")
endif()

set(generated_include "${OUTPUT}.h2m")
file(WRITE "${generated_include}" "${include_text}")
# The bare version: the whole --version line ("... (LibTorch 1.13.0; GCC 12.2.0, optimised)")
# ran into the date in the page's footer.
set(version_option "")
if(VERSION)
  set(version_option "--version-string=${VERSION}")
endif()
execute_process(
  COMMAND "${HELP2MAN}" --no-info "--name=${NAME_LINE}" "--include=${generated_include}"
          ${version_option} "--output=${OUTPUT}.tmp" "${PROGRAM}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed for ${PROGRAM} (${rc}):\n${out}${err}")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
file(REMOVE "${generated_include}")
if(GZIP)
  execute_process(COMMAND "${GZIP}" -9nc "${OUTPUT}" OUTPUT_FILE "${OUTPUT}.gz" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip failed for ${OUTPUT} (${rc})")
  endif()
endif()
