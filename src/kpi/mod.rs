//! Support KPIs: timings, rates, groups and periods.
