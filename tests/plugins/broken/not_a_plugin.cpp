// A valid shared library named like a plugin (libanvil-*.so) that registers nothing: the core
// loads it and reports "not an anvil plugin".
extern "C" __attribute__((visibility("default"))) int anvil_test_not_a_plugin() { return 7; }
