// See wine_harness.hpp.
#include "wine_harness.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <numeric>
#include <tuple>

#include <windows.h>

#include "win/unicode.hpp"

namespace winsandbox::bench {
namespace {

double thread_cpu_ms() {
  FILETIME creation, exit, kernel, user;
  GetThreadTimes(GetCurrentThread(), &creation, &exit, &kernel, &user);
  const auto ticks = [](FILETIME t) {
    return (static_cast<unsigned long long>(t.dwHighDateTime) << 32) | t.dwLowDateTime;
  };
  return static_cast<double>(ticks(kernel) + ticks(user)) / 10000.0;
}

std::string json_entry(const std::string& name, const std::string& run_name, const char* run_type,
                       const char* aggregate, std::size_t iterations, double real_ms,
                       double cpu_ms) {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer,
                "    {\"name\": \"%s\", \"run_name\": \"%s\", \"run_type\": \"%s\",%s "
                "\"iterations\": %zu, \"real_time\": %.6f, \"cpu_time\": %.6f, "
                "\"time_unit\": \"ms\"}",
                name.c_str(), run_name.c_str(), run_type, aggregate, iterations, real_ms, cpu_ms);
  return buffer;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace

HarnessArguments parse_harness_arguments(int argc, char** argv, std::size_t default_rounds) {
  HarnessArguments parsed{default_rounds, {}};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--rounds=")) parsed.rounds = std::stoul(std::string(arg.substr(9)));
    if (arg.starts_with("--benchmark_out=")) parsed.out_file = arg.substr(16);
  }
  return parsed;
}

WinPath own_directory() {
  std::wstring path(32768, L'\0');
  path.resize(GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size())));
  return *WinPath::parse(win::to_utf8(path)).parent();
}

Environment system_root_environment() {
  Environment environment;
  wchar_t root[MAX_PATH];
  const DWORD length = GetEnvironmentVariableW(L"SystemRoot", root, MAX_PATH);
  if (length > 0 && length < MAX_PATH) {
    environment.set("SystemRoot", win::to_utf8(std::wstring(root, length)));
  }
  return environment;
}

void time_once(Samples& samples, const std::function<void()>& run) {
  const double cpu_start = thread_cpu_ms();
  const auto start = std::chrono::steady_clock::now();
  run();
  const auto stop = std::chrono::steady_clock::now();
  const double cpu_stop = thread_cpu_ms();
  samples.real_ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  samples.cpu_ms.push_back(cpu_stop - cpu_start);
}

void run_rounds(const std::vector<Case>& cases, std::size_t rounds, std::size_t warmups) {
  for (std::size_t warmup = 0; warmup < warmups; ++warmup) {
    for (const auto& [samples, run_case] : cases) run_case();
  }
  for (std::size_t round = 0; round < rounds; ++round) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const auto& [samples, run_case] = cases[(round + i) % cases.size()];
      time_once(*samples, run_case);
    }
  }
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

void print_samples(const std::string& title, const std::vector<const Samples*>& all) {
  std::printf("%-56s %10s %10s %8s\n", title.c_str(), "median", "mean", "rounds");
  for (const Samples* s : all) {
    std::printf("%-56s %10.2f %10.2f %8zu\n", s->name.c_str(), median(s->real_ms), mean(s->real_ms),
                s->real_ms.size());
  }
}

void write_benchmark_json(const std::string& file, const std::string& executable,
                          const std::string& command, const std::vector<const Samples*>& all) {
  if (file.empty()) return;
  SYSTEMTIME now;
  GetSystemTime(&now);
  char date[32];
  std::snprintf(date, sizeof date, "%04u-%02u-%02uT%02u:%02u:%02u+00:00", now.wYear, now.wMonth,
                now.wDay, now.wHour, now.wMinute, now.wSecond);
  std::string out = "{\n  \"context\": {\"date\": \"";
  out += date;
  out += "\", \"executable\": " + json_string(executable) + ", ";
  out += "\"library_build_type\": \"release\", \"command\": ";
  out += json_string(command);
  out += ", \"harness\": " + json_string(executable + " (Google Benchmark JSON format)") + "},\n";
  out += "  \"benchmarks\": [\n";
  bool first = true;
  for (const Samples* s : all) {
    const std::size_t n = s->real_ms.size();
    for (const auto& [suffix, aggregate, real, cpu] :
         {std::tuple<std::string, const char*, double, double>{
              "_mean", " \"aggregate_name\": \"mean\",", mean(s->real_ms), mean(s->cpu_ms)},
          {"_median", " \"aggregate_name\": \"median\",", median(s->real_ms), median(s->cpu_ms)}}) {
      if (!first) out += ",\n";
      first = false;
      out += json_entry(s->name + suffix, s->name, "aggregate", aggregate, n, real, cpu);
    }
  }
  std::ofstream(file, std::ios::binary) << out << "\n  ]\n}\n";
}

int guarded_main(const char* executable, int (*run)(int, char**), int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", executable, e.what());
    return 1;
  }
}

}  // namespace winsandbox::bench
