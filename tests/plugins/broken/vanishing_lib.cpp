// A tiny shared library that the missing-dependency plugin links. Its SONAME names a file that
// never exists, so the plugin's DT_NEEDED entry cannot be satisfied and dlopen fails naming it.
extern "C" __attribute__((visibility("default"))) int anvil_test_vanishing_value() { return 42; }
