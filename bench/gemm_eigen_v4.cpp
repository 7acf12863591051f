// The same Eigen product as gemm_eigen.cpp, compiled for x86-64-v4 (AVX-512).
#include "gemm_eigen.cpp"
