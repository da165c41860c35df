# Cross-compile for 64-bit Windows with Debian's mingw-w64 (posix threads) and run the
# results under Wine.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(_ws_triple x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_ws_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_ws_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${_ws_triple}-windres)

set(CMAKE_FIND_ROOT_PATH /usr/${_ws_triple})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static runtime: the .exe files run under Wine (and on Windows) without mingw DLLs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

find_program(WINSANDBOX_WINE NAMES wine64 wine PATHS /usr/lib/wine)
if(WINSANDBOX_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${WINSANDBOX_WINE}")
endif()
