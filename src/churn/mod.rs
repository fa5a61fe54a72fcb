//! Per-customer churn risk from ticket history (see the churn issue).
