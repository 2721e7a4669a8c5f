//! The second queue's share of a program (`Dispatch::side_after`): which dispatches start
//! there before each of the program's dispatches, and which of them each later dispatch
//! waits for, worked out once at load from the verified bundle's bindings.

use crate::bundle::{Kernel, Program};

/// Where a program's side dispatches start and who waits for them, by dispatch index.
#[derive(Debug)]
pub(crate) struct SidePlan {
    /// The side dispatches to start on the second queue once the dispatches before this
    /// one are done.
    pub starts: Vec<Vec<usize>>,
    /// The side dispatches this one waits for: it is the first dispatch after them on the
    /// first queue to bind memory they write.
    pub waits: Vec<Vec<usize>>,
    /// True when the dispatch runs on the second queue.
    pub side: Vec<bool>,
}

impl SidePlan {
    /// `None` when the program has no side dispatch (its dispatches then run in order on
    /// one queue, as they do wherever there is no second queue).
    pub(crate) fn of(kernels: &[Kernel], p: &Program) -> Option<SidePlan> {
        let n = p.dispatches.len();
        let mut plan = SidePlan { starts: vec![Vec::new(); n], waits: vec![Vec::new(); n], side: vec![false; n] };
        for (j, d) in p.dispatches.iter().enumerate() {
            // (The verifier checked `a < j`; a dispatch failing it would run in place.)
            if let Some(slot) = d.side_after.filter(|&a| (a as usize) < j).and_then(|a| plan.starts.get_mut(a as usize)) {
                slot.push(j);
                if let Some(s) = plan.side.get_mut(j) {
                    *s = true;
                }
            }
        }
        if !plan.side.contains(&true) {
            return None;
        }
        for (j, d) in p.dispatches.iter().enumerate() {
            if !plan.side.get(j).copied().unwrap_or(false) {
                continue;
            }
            let written = d.written(kernels);
            let reader = p.dispatches.iter().enumerate().skip(j + 1).find(|(i, c)| !plan.side.get(*i).copied().unwrap_or(false) && c.bindings.iter().any(|b| written.iter().any(|w| b.overlaps(w))));
            if let Some(list) = reader.and_then(|(i, _)| plan.waits.get_mut(i)) {
                list.push(j);
            }
        }
        Some(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{Access, BufferRange, ByteRange, Dispatch, KernelLanguage};

    fn range(pool: u32, offset: u64) -> BufferRange {
        BufferRange { pool, offset, size: 16 }
    }

    /// Dispatch 2 widens a weight into [0, 16) from index 0 on; dispatch 3 reads it, so it
    /// waits; dispatch 4 binds it too but after 3, so only 3 waits.
    #[test]
    fn a_side_dispatch_starts_at_its_mark_and_its_first_binder_waits() {
        let kernel = Kernel { name: "k".into(), language: KernelLanguage::OpenclC, entry: "k_main".into(), code: ByteRange { offset: 0, len: 0 }, workgroup_size: [1, 1, 1], bindings: vec![Access::Read, Access::ReadWrite], push_constant_bytes: 0, shared_memory_bytes: 0, co_resident: false };
        let d = |read: BufferRange, write: BufferRange, side_after: Option<u32>| Dispatch { kernel: 0, label: String::new(), bindings: vec![read, write], grid: [1, 1, 1], push_constants: Vec::new(), barrier_before: false, side_after };
        let kernels = vec![kernel];
        let p = Program { name: "main".into(), dispatches: vec![d(range(1, 64), range(1, 32), None), d(range(1, 32), range(1, 48), None), d(range(0, 0), range(1, 0), Some(0)), d(range(1, 0), range(1, 80), None), d(range(1, 0), range(1, 96), None)], inputs: Vec::new(), outputs: Vec::new() };
        let plan = SidePlan::of(&kernels, &p);
        assert!(plan.is_some(), "a side dispatch");
        let Some(plan) = plan else { return };
        assert_eq!(plan.starts, vec![vec![2], vec![], vec![], vec![], vec![]]);
        assert_eq!(plan.side, vec![false, false, true, false, false]);
        assert_eq!(plan.waits, vec![vec![], vec![], vec![], vec![2], vec![]]);
        let plain = Program { dispatches: p.dispatches.iter().map(|d| Dispatch { side_after: None, ..d.clone() }).collect(), ..p.clone() };
        assert!(SidePlan::of(&kernels, &plain).is_none());
    }
}
