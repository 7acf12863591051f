# OpenCL detection: ANVIL_OPENCL=AUTO builds the OpenCL backend when FindOpenCL finds the
# headers and the ICD loader, ON requires them, OFF skips it.
set(ANVIL_WITH_OPENCL OFF)
if(NOT ANVIL_OPENCL STREQUAL "OFF")
  find_package(OpenCL QUIET)
  if(OpenCL_FOUND)
    set(ANVIL_WITH_OPENCL ON)
  elseif(ANVIL_OPENCL STREQUAL "ON")
    message(FATAL_ERROR "ANVIL_OPENCL=ON but OpenCL was not found (Debian: opencl-headers ocl-icd-opencl-dev)")
  else()
    message(STATUS "anvil: OpenCL not found; the OpenCL backend is not built")
  endif()
endif()
