//! GREEDY_BY_SIZE offset assignment (TFLite GPU
//! `common/memory_management/greedy_by_size_assignment.cc`; ML Drift §3.4).
//!
//! - Visit records from the largest to the smallest (ties: earlier first step, then
//!   index, so the result is deterministic).
//! - For each, collect the already-placed records whose lifetimes overlap it, sorted by
//!   offset.
//! - Walk the gaps between them (and before the first); take the smallest gap that fits.
//! - With no fitting gap, place it after the highest end among the overlapping ones.
//! - Offsets and sizes are rounded up to the alignment.

use super::{align_up, check, Offsets, PlanError, UsageRecord};

pub fn assign(records: &[UsageRecord], align: u64) -> Result<Offsets, PlanError> {
    check(records, align)?;
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by(|&a, &b| records[b].size.cmp(&records[a].size).then(records[a].first.cmp(&records[b].first)).then(a.cmp(&b)));
    let mut offsets = vec![0u64; records.len()];
    let mut placed: Vec<usize> = Vec::with_capacity(records.len());
    let mut total = 0u64;
    for &i in &order {
        let off = place(records, &offsets, &placed, i, align)?;
        offsets[i] = off;
        total = total.max(off.checked_add(align_up(records[i].size, align)?).ok_or(PlanError::Overflow)?);
        placed.push(i);
    }
    Ok(Offsets { offsets, total_size: total })
}

/// The offset for record `i`: the smallest gap that fits among the `placed` records
/// overlapping it in time, else just above the highest of them.
pub(super) fn place(records: &[UsageRecord], offsets: &[u64], placed: &[usize], i: usize, align: u64) -> Result<u64, PlanError> {
    let r = records[i];
    let size = align_up(r.size, align)?;
    let mut overlapping: Vec<(u64, u64)> = Vec::new();
    for &j in placed {
        if records[j].first <= r.last && r.first <= records[j].last {
            let end = offsets[j].checked_add(align_up(records[j].size, align)?).ok_or(PlanError::Overflow)?;
            overlapping.push((offsets[j], end));
        }
    }
    overlapping.sort_unstable();
    let mut best: Option<(u64, u64)> = None; // (gap size, offset)
    let mut cursor = 0u64;
    for &(start, end) in &overlapping {
        if start > cursor {
            let gap = start - cursor;
            if gap >= size && best.is_none_or(|(g, _)| gap < g) {
                best = Some((gap, cursor));
            }
        }
        cursor = cursor.max(end);
    }
    Ok(best.map_or(cursor, |(_, off)| off))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(size: u64, first: usize, last: usize) -> UsageRecord {
        UsageRecord { size, first, last }
    }

    #[test]
    fn reuses_dead_memory_and_best_fits() {
        let records = [rec(100, 0, 1), rec(200, 1, 2), rec(50, 2, 3), rec(100, 3, 4)];
        let out = assign(&records, 16).unwrap();
        // Placed by size: #1 (200 → 208) at +0.
        // #0 (100 → 112, steps 0..1) overlaps #1: no gap below it → +208.
        // #3 (100, steps 3..4) overlaps nothing placed → +0.
        // #2 (50 → 64, steps 2..3) overlaps #1 [0,208) and #3 [0,112) → +208.
        assert_eq!(out.offsets, vec![208, 0, 208, 0]);
        assert_eq!(out.total_size, 320); // +208 + 112
    }

    #[test]
    fn rejects_bad_records() {
        assert_eq!(assign(&[rec(1, 3, 2)], 16), Err(PlanError::BadInterval { index: 0, first: 3, last: 2 }));
        assert_eq!(assign(&[rec(1, 0, 0)], 12), Err(PlanError::BadAlignment(12)));
    }
}
