# cmake -DPTX_FILES=<a.ptx;b.ptx> -P check_ptx_accuracy.cmake
# Fails when CUDA kernels that compute sin/cos use the approximate hardware instructions
# (sin.approx/cos.approx: what --use_fast_math or __sinf/__cosf produce) instead of CUDA's
# accurate sinf/cosf, whose large-argument reduction uses the table __cudart_i2opi_f.
# Every file given must hold sin/cos kernels, so a missing table fails too: the check would
# otherwise pass vacuously if the sine moved elsewhere.
if(NOT PTX_FILES)
  message(FATAL_ERROR "check_ptx_accuracy: pass -DPTX_FILES=<list of .ptx files>")
endif()

set(failures "")
foreach(ptx IN LISTS PTX_FILES)
  if(NOT EXISTS "${ptx}")
    string(APPEND failures "\n  ${ptx}: missing (is the target anvil-cuda-ptx built?)")
    continue()
  endif()
  file(STRINGS "${ptx}" approx_lines REGEX "(sin|cos)\\.approx")
  if(approx_lines)
    list(LENGTH approx_lines count)
    list(GET approx_lines 0 first)
    string(STRIP "${first}" first)
    string(APPEND failures "\n  ${ptx}: ${count} approximate sin/cos, first: ${first}")
  endif()
  file(STRINGS "${ptx}" table_lines REGEX "__cudart_i2opi_f")
  if(NOT table_lines)
    string(APPEND failures
      "\n  ${ptx}: no __cudart_i2opi_f (the accurate sinf/cosf's reduction table)")
  endif()
endforeach()

if(failures)
  message(FATAL_ERROR "CUDA kernels lost accurate sin/cos (never build them with "
    "--use_fast_math or use __sinf/__cosf; see docs/cuda.md, Numerics):${failures}")
endif()
list(LENGTH PTX_FILES n)
message(STATUS "accurate sinf/cosf (__cudart_i2opi_f) and no sin.approx/cos.approx "
  "in ${n} PTX file(s)")
