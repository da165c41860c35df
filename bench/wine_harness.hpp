// The small harness of the Wine benchmarks (Debian ships Google Benchmark only for the native
// toolchain): timed rounds of named cases, and their medians written in Google Benchmark's JSON
// shape (context + benchmarks with name, run_name, iterations, real_time, cpu_time, time_unit
// and `_mean` / `_median` aggregates), which bench/ratio_table.py reads.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "winsandbox/environment.hpp"
#include "winsandbox/path.hpp"

namespace winsandbox::bench {

// The options every Wine benchmark takes: --rounds=N and --benchmark_out=FILE (others are left
// to the benchmark).
struct HarnessArguments {
  std::size_t rounds;
  std::string out_file;
};
HarnessArguments parse_harness_arguments(int argc, char** argv, std::size_t default_rounds);

// The directory of this executable (where bench_child.exe and the runner are built).
WinPath own_directory();

// A child environment with only this process's SystemRoot (what a Windows process needs).
Environment system_root_environment();

struct Samples {
  std::string name;
  std::vector<double> real_ms;
  std::vector<double> cpu_ms;
};

// Runs `run` once and appends its wall and thread CPU time to `samples`.
void time_once(Samples& samples, const std::function<void()>& run);

// `warmups` untimed rounds, then `rounds` timed ones; the case that goes first rotates, so that
// none always runs right after the same neighbour.
using Case = std::pair<Samples*, std::function<void()>>;
void run_rounds(const std::vector<Case>& cases, std::size_t rounds, std::size_t warmups);

double mean(const std::vector<double>& v);
double median(std::vector<double> v);

// The median/mean table on stdout.
void print_samples(const std::string& title, const std::vector<const Samples*>& all);

// Writes `all` to `file` (nothing when empty) as Google Benchmark JSON.
void write_benchmark_json(const std::string& file, const std::string& executable,
                          const std::string& command, const std::vector<const Samples*>& all);

// A benchmark's main(): returns run(argc, argv), or prints what it threw and returns 1.
int guarded_main(const char* executable, int (*run)(int, char**), int argc, char** argv);

}  // namespace winsandbox::bench
