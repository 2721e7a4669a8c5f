//! Memory planning: lifetimes of activation tensors in execution order become usage
//! records; strategies turn records into offsets in one pool. The plan is data in the
//! bundle: the runtime allocates exactly `total_size` and nothing more.

pub mod greedy_by_breadth;
pub mod greedy_by_size;
pub mod lifetimes;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod order;
pub mod side;
pub mod svg;
pub mod texture_pools;

pub use lifetimes::{spans, usage_records};

/// One tensor's need: `size` bytes from step `first` to step `last`, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageRecord {
    pub size: u64,
    pub first: usize,
    pub last: usize,
}

/// Offsets per record (same order) and the pool size they need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offsets {
    pub offsets: Vec<u64>,
    pub total_size: u64,
}

/// Checks that no two records overlapping in time overlap in memory and that every
/// record lies inside the pool; returns the first violation.
pub fn check_offsets(records: &[UsageRecord], o: &Offsets, align: u64) -> Result<(), String> {
    for (i, a) in records.iter().enumerate() {
        let (ao, asz) = (o.offsets[i], align_up(a.size, align).map_err(|e| e.to_string())?);
        if ao % align != 0 || ao + asz > o.total_size {
            return Err(format!("record {i} at +{ao} ({asz} B) is misaligned or outside the {}-byte pool", o.total_size));
        }
        for (j, b) in records.iter().enumerate().skip(i + 1) {
            let (bo, bsz) = (o.offsets[j], align_up(b.size, align).map_err(|e| e.to_string())?);
            let live_together = a.first <= b.last && b.first <= a.last;
            if live_together && ao < bo + bsz && bo < ao + asz && asz > 0 && bsz > 0 {
                return Err(format!("records {i} and {j} are live together and overlap in memory"));
            }
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("usage record {index} ends (step {last}) before it starts (step {first})")]
    BadInterval { index: usize, first: usize, last: usize },
    #[error("alignment {0} is not a power of two")]
    BadAlignment(u64),
    #[error("pool size overflows 64 bits")]
    Overflow,
    #[error("unknown strategy '{0}' (known: naive, greedy-by-size, greedy-by-breadth)")]
    UnknownStrategy(String),
}

fn check(records: &[UsageRecord], align: u64) -> Result<(), PlanError> {
    if align == 0 || !align.is_power_of_two() {
        return Err(PlanError::BadAlignment(align));
    }
    for (index, r) in records.iter().enumerate() {
        if r.last < r.first {
            return Err(PlanError::BadInterval { index, first: r.first, last: r.last });
        }
    }
    Ok(())
}

pub fn align_up(v: u64, align: u64) -> Result<u64, PlanError> {
    v.checked_add(align - 1).map(|x| x & !(align - 1)).ok_or(PlanError::Overflow)
}

/// NAIVE: every tensor gets its own bytes, back to back.
pub fn naive(records: &[UsageRecord], align: u64) -> Result<Offsets, PlanError> {
    check(records, align)?;
    let mut offsets = Vec::with_capacity(records.len());
    let mut end = 0u64;
    for r in records {
        offsets.push(end);
        end = align_up(end.checked_add(r.size).ok_or(PlanError::Overflow)?, align)?;
    }
    Ok(Offsets { offsets, total_size: end })
}

/// The most bytes live at any one step (each size aligned): no plan can use less.
pub fn lower_bound(records: &[UsageRecord], align: u64) -> Result<u64, PlanError> {
    check(records, align)?;
    let steps = records.iter().map(|r| r.last + 1).max().unwrap_or(0);
    // Difference array of live bytes per step (signed, so starts and ends may interleave).
    let mut delta = vec![0i128; steps + 1];
    for r in records {
        let s = align_up(r.size, align)? as i128;
        delta[r.first] += s;
        delta[r.last + 1] -= s;
    }
    let mut cur = 0i128;
    let mut best = 0i128;
    for d in delta {
        cur += d;
        best = best.max(cur);
    }
    let best = u64::try_from(best).map_err(|_| PlanError::Overflow)?;
    Ok(best)
}

/// The step with the most live bytes, and those bytes.
pub fn peak(records: &[UsageRecord], align: u64) -> (usize, u64) {
    let steps = records.iter().map(|r| r.last + 1).max().unwrap_or(0);
    let mut live = vec![0u64; steps];
    for r in records {
        let s = align_up(r.size, align).unwrap_or(u64::MAX);
        for slot in live.iter_mut().take(r.last + 1).skip(r.first) {
            *slot = slot.saturating_add(s);
        }
    }
    live.iter().enumerate().max_by_key(|(i, &b)| (b, std::cmp::Reverse(*i))).map(|(i, &b)| (i, b)).unwrap_or((0, 0))
}

/// Runs a strategy by name.
pub fn plan(strategy: &str, records: &[UsageRecord], align: u64) -> Result<Offsets, PlanError> {
    match strategy {
        "naive" => naive(records, align),
        "greedy-by-size" => greedy_by_size::assign(records, align),
        "greedy-by-breadth" => greedy_by_breadth::assign(records, align),
        other => Err(PlanError::UnknownStrategy(other.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(size: u64, first: usize, last: usize) -> UsageRecord {
        UsageRecord { size, first, last }
    }

    #[test]
    fn naive_puts_every_record_after_the_last() {
        let records = [rec(10, 0, 1), rec(20, 1, 2), rec(5, 3, 3)];
        let out = naive(&records, 16).unwrap();
        // +0 (10 align 16), +16 (20 align 16 = 32), +48 (5 align 16)
        assert_eq!(out.offsets, vec![0, 16, 48]);
        assert_eq!(out.total_size, 64);
    }

    #[test]
    fn lower_bound_is_the_broadest_step() {
        let records = [rec(10, 0, 1), rec(20, 1, 2), rec(5, 2, 3)];
        // step 1: 16 + 32 = 48; step 2: 32 + 16 = 48; step 0: 16; step 3: 16
        assert_eq!(lower_bound(&records, 16).unwrap(), 48);
    }

    /// Property: on random lifetimes, no strategy lets two live records overlap, and none
    /// goes below the lower bound.
    #[test]
    fn random_records_never_overlap() {
        let mut state = 0x1234_5678_9abc_def0u64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n.max(1)
        };
        for _ in 0..200 {
            let count = 1 + next(40) as usize;
            let steps = 1 + next(30) as usize;
            let records: Vec<UsageRecord> = (0..count)
                .map(|_| {
                    let first = next(steps as u64) as usize;
                    let last = first + next((steps - first) as u64) as usize;
                    rec(1 + next(5000), first, last)
                })
                .collect();
            let align = [4u64, 16, 64, 256][next(4) as usize];
            let lb = lower_bound(&records, align).unwrap();
            for s in ["naive", "greedy-by-size", "greedy-by-breadth"] {
                let o = plan(s, &records, align).unwrap();
                if let Err(e) = check_offsets(&records, &o, align) {
                    panic!("{s}: {e}");
                }
                assert!(o.total_size >= lb, "{s}: {} below the lower bound {lb}", o.total_size);
            }
        }
    }
}
