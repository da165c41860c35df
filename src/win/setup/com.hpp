// Small RAII owners for COM, used by the firewall seam (docs/setup.md#seams): the apartment of one
// call scope, interface pointers, BSTRs and VARIANTs. Nothing else in the setup calls Release,
// SysFreeString, VariantClear or CoUninitialize.
#pragma once

#include <new>
#include <string>
#include <string_view>
#include <utility>

// clang-format off
#include <windows.h>  // first: the COM headers need its types
#include <objbase.h>
#include <oleauto.h>
// clang-format on

#include "win/unicode.hpp"

namespace winsandbox::win {

// CoInitializeEx(COINIT_APARTMENTTHREADED) for the lifetime of the object; CoUninitialize only
// when this call initialized COM (S_OK or S_FALSE). A thread already in the multithreaded
// apartment (RPC_E_CHANGED_MODE) keeps it: the firewall objects work from either apartment.
class ComApartment {
public:
  ComApartment() noexcept
      : result_(::CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE)) {}
  ~ComApartment() {
    if (SUCCEEDED(result_)) ::CoUninitialize();
  }
  ComApartment(const ComApartment&) = delete;
  ComApartment& operator=(const ComApartment&) = delete;

  // S_OK, S_FALSE, RPC_E_CHANGED_MODE (usable) or a failure.
  HRESULT result() const noexcept { return result_; }
  bool usable() const noexcept { return SUCCEEDED(result_) || result_ == RPC_E_CHANGED_MODE; }

private:
  HRESULT result_;
};

// An owned interface pointer (one reference). Move-only.
template <typename T>
class ComPtr {
public:
  ComPtr() noexcept = default;
  ~ComPtr() { reset(); }
  ComPtr(const ComPtr&) = delete;
  ComPtr& operator=(const ComPtr&) = delete;
  ComPtr(ComPtr&& other) noexcept : value_(std::exchange(other.value_, nullptr)) {}
  ComPtr& operator=(ComPtr&& other) noexcept {
    if (this != &other) {
      reset();
      value_ = std::exchange(other.value_, nullptr);
    }
    return *this;
  }

  T* get() const noexcept { return value_; }
  T* operator->() const noexcept { return value_; }
  explicit operator bool() const noexcept { return value_ != nullptr; }
  void reset() noexcept {
    if (value_ != nullptr) std::exchange(value_, nullptr)->Release();
  }
  // Releases the current pointer and hands out the slot for an out-parameter.
  T** put() noexcept {
    reset();
    return &value_;
  }
  void** put_void() noexcept { return reinterpret_cast<void**>(put()); }

private:
  T* value_ = nullptr;
};

// An owned BSTR (SysAllocString / SysFreeString). Move-only.
class UniqueBstr {
public:
  UniqueBstr() noexcept = default;
  explicit UniqueBstr(std::string_view utf8) : value_(allocate(to_wide(utf8))) {}
  ~UniqueBstr() { reset(); }
  UniqueBstr(const UniqueBstr&) = delete;
  UniqueBstr& operator=(const UniqueBstr&) = delete;
  UniqueBstr(UniqueBstr&& other) noexcept : value_(std::exchange(other.value_, nullptr)) {}
  UniqueBstr& operator=(UniqueBstr&& other) noexcept {
    if (this != &other) {
      reset();
      value_ = std::exchange(other.value_, nullptr);
    }
    return *this;
  }

  BSTR get() const noexcept { return value_; }
  BSTR* put() noexcept {
    reset();
    return &value_;
  }
  void reset() noexcept {
    if (value_ != nullptr) ::SysFreeString(std::exchange(value_, nullptr));
  }
  // The string as UTF-8 ("" for a NULL BSTR, which COM uses for the empty string).
  std::string utf8() const {
    return value_ == nullptr ? std::string()
                             : to_utf8(std::wstring_view(value_, ::SysStringLen(value_)));
  }

private:
  static BSTR allocate(const std::wstring& wide) {
    const BSTR value = ::SysAllocStringLen(wide.data(), static_cast<UINT>(wide.size()));
    if (value == nullptr) throw std::bad_alloc();
    return value;
  }
  BSTR value_ = nullptr;
};

// A VARIANT cleared (VariantClear) when it goes out of scope. Not copyable or movable.
class UniqueVariant {
public:
  UniqueVariant() noexcept { ::VariantInit(&value_); }
  ~UniqueVariant() { ::VariantClear(&value_); }
  UniqueVariant(const UniqueVariant&) = delete;
  UniqueVariant& operator=(const UniqueVariant&) = delete;

  VARIANT* get() noexcept { return &value_; }
  const VARIANT* get() const noexcept { return &value_; }
  // Clears the current value and hands out the VARIANT for an out-parameter.
  VARIANT* put() noexcept {
    ::VariantClear(&value_);
    return &value_;
  }

private:
  VARIANT value_;
};

}  // namespace winsandbox::win
