//! GREEDY_BY_BREADTH offset assignment (after TFLite GPU
//! `common/memory_management/greedy_by_breadth_assignment.cc`, adapted from shared
//! objects to offsets in one pool).
//!
//! - The breadth of a step is the sum of the sizes of the records live at it.
//! - Visit steps from the broadest to the narrowest (ties: earlier step first).
//! - At each step, place its not yet placed records, largest first, in the smallest gap
//!   among already placed records that overlap it in time (or after the highest of them),
//!   exactly as GREEDY_BY_SIZE places one record.
//!
//! Packing the peak step first keeps the records that define the pool size together.

use super::greedy_by_size::place;
use super::{align_up, check, Offsets, PlanError, UsageRecord};

pub fn assign(records: &[UsageRecord], align: u64) -> Result<Offsets, PlanError> {
    check(records, align)?;
    let steps = records.iter().map(|r| r.last + 1).max().unwrap_or(0);
    let mut live: Vec<Vec<usize>> = vec![Vec::new(); steps];
    let mut breadth = vec![0u64; steps];
    for (i, r) in records.iter().enumerate() {
        let s = align_up(r.size, align)?;
        for step in r.first..=r.last {
            live[step].push(i);
            breadth[step] = breadth[step].saturating_add(s);
        }
    }
    let mut step_order: Vec<usize> = (0..steps).collect();
    step_order.sort_by(|&a, &b| breadth[b].cmp(&breadth[a]).then(a.cmp(&b)));
    let mut offsets = vec![0u64; records.len()];
    let mut placed: Vec<usize> = Vec::with_capacity(records.len());
    let mut done = vec![false; records.len()];
    let mut total = 0u64;
    for step in step_order {
        let mut todo: Vec<usize> = live[step].iter().copied().filter(|&i| !done[i]).collect();
        todo.sort_by(|&a, &b| records[b].size.cmp(&records[a].size).then(a.cmp(&b)));
        for i in todo {
            let off = place(records, &offsets, &placed, i, align)?;
            offsets[i] = off;
            total = total.max(off.checked_add(align_up(records[i].size, align)?).ok_or(PlanError::Overflow)?);
            placed.push(i);
            done[i] = true;
        }
    }
    Ok(Offsets { offsets, total_size: total })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(size: u64, first: usize, last: usize) -> UsageRecord {
        UsageRecord { size, first, last }
    }

    #[test]
    fn packs_the_broadest_step_first() {
        // Step breadths (align 16): s0 = 64, s1 = 64+32 = 96, s2 = 32+48 = 80, s3 = 48.
        let records = [rec(64, 0, 1), rec(32, 1, 2), rec(48, 2, 3)];
        let out = assign(&records, 16).unwrap();
        // Step 1 first: #0 (64) at +0, #1 (32) above it at +64.
        // Step 2: #2 (48) overlaps #1 [64,96): the gap [0,64) below fits → +0.
        assert_eq!(out.offsets, vec![0, 64, 0]);
        assert_eq!(out.total_size, 96); // = the lower bound
    }
}
