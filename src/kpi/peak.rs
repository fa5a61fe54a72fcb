//! Peak hours for staffing: ticket volume by local weekday × hour.

use serde::Serialize;

use super::block::{state, BlockCtx};
use super::records::Records;

/// Weekday names in row order (ISO: Monday first).
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Volume and first response by local weekday × hour of creation (the
/// report time zone), for staffing: `volume[d][h]` tickets were created on
/// weekday `d` (0 = Monday) between `h:00` and `h:59`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeakHours {
    /// 7 × 24 ticket counts, Monday first.
    pub volume: Vec<Vec<u64>>,
    /// 7 × 24 median first response (minutes) of the cell's tickets
    /// answered by `as_of`; null where none was.
    pub first_response_minutes_median: Vec<Vec<Option<f64>>>,
}

impl PeakHours {
    /// The grid of the records with a known creation hour; `None` when no
    /// record has one (undated input).
    pub(crate) fn compute(ctx: &BlockCtx<'_>) -> Option<PeakHours> {
        let r = ctx.recs;
        let mut volume = vec![vec![0u64; 24]; 7];
        let mut frt: Vec<Vec<f64>> = vec![Vec::new(); 7 * 24];
        let mut any = false;
        for i in 0..r.len() {
            let c = r.cell[i];
            if c == Records::NO_CELL {
                continue;
            }
            any = true;
            let c = c as usize;
            volume[c / 24][c % 24] += 1;
            if ctx.state[i] & state::RESPONDED != 0 && r.frt[i].is_finite() {
                frt[c].push(r.frt[i]);
            }
        }
        if !any {
            return None;
        }
        let medians = frt
            .chunks_mut(24)
            .map(|day| day.iter_mut().map(|v| crate::stats::median(v)).collect())
            .collect();
        Some(PeakHours {
            volume,
            first_response_minutes_median: medians,
        })
    }
}
