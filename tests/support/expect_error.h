// error_of(call): the message of the anvil::Error that `call` throws, so tests can match the
// whole text ("[matmul] inner dimensions differ: (3,4) x (5,6)"). A call that throws nothing,
// or throws something else, is a test failure and yields "".
#pragma once

#include <gtest/gtest.h>

#include <exception>
#include <string>

#include "anvil/error.h"

namespace anvil {

template <typename Call> std::string error_of(Call&& call) {
    try {
        call();
    } catch (const Error& e) {
        return e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected anvil::Error, got another exception: " << e.what();
        return "";
    }
    ADD_FAILURE() << "expected an anvil::Error, but the call succeeded";
    return "";
}

}  // namespace anvil
