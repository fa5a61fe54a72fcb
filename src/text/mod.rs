//! Text preparation: cleaning and length-bucketed batching.
