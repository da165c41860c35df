// The usual visitor helper for std::visit over a set of lambdas.
#pragma once

namespace winsandbox {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace winsandbox
