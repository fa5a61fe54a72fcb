//! Seeded synthetic ticket world for fixtures, tests and benchmarks.
