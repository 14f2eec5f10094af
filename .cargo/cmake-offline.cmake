# CMake toolchain file used by the QuickJS backend's build script (crate `v8x`).
# WAMR's CMake fetches the header-only SIMDe library from GitHub. Machines here
# have no network beyond package registries, so when Debian's `libsimde-dev`
# headers are installed we point FetchContent at them. On a machine without
# those headers this file does nothing and FetchContent behaves as usual.
if(EXISTS "/usr/include/simde/simde-common.h")
  set(FETCHCONTENT_SOURCE_DIR_SIMDE "/usr/include" CACHE PATH "" FORCE)
  set(FETCHCONTENT_FULLY_DISCONNECTED ON CACHE BOOL "" FORCE)
endif()
