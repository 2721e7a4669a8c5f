//! L2 prefetch of the next dispatch's weights (`tuning.decode_prefetch_next_weights`,
//! OpenCL C with inline PTX on NVIDIA): a decode kernel's last workgroups, once their own
//! work is done, ask the L2 for the first bytes of the weights the next dispatch of the
//! program streams (`prefetch.global.L2`, one 128-byte line per request). Through an
//! in-order queue the memory otherwise idles while one kernel drains and the next one
//! starts; the next kernel's first wave then finds its rows in the L2.

/// Templates of decode kernels that issue the prefetch (the matrix-vector products and the
/// decode attention, whose next dispatch is a projection).
pub const PREFETCHING: &[&str] = &["linear_matvec", "cached_attention_gqa"];

/// Bytes one prefetch request covers (an L2 line).
const LINE: u64 = 128;

/// OpenCL C run at the end of a kernel of `workgroup` lanes: its last `groups` workgroups
/// (all of them in a smaller grid; NVIDIA starts workgroups in index order, so these are
/// the last to start) prefetch the first `bytes` of `drift_prefetch`, one line per lane
/// and round.
pub fn tail(bytes: u64, groups: u32, workgroup: u32) -> String {
    format!(
        "    {{
        // The first {bytes} bytes of the next dispatch's weights into the L2 (prefetch).
        const uint drift_pf_n = (uint)get_num_groups(0) * (uint)get_num_groups(1);
        const uint drift_pf_g = (uint)get_group_id(0) + (uint)get_group_id(1) * (uint)get_num_groups(0);
        const uint drift_pf_first = drift_pf_n > {groups}u ? drift_pf_n - {groups}u : 0u;
        if (drift_pf_g >= drift_pf_first) {{
            const ulong drift_pf_step = (ulong)(drift_pf_n - drift_pf_first) * {workgroup}ul * {LINE}ul;
            for (ulong off = ((ulong)(drift_pf_g - drift_pf_first) * {workgroup}ul + (ulong)get_local_id(0)) * {LINE}ul; off < {bytes}ul; off += drift_pf_step) {{
                __asm__ __volatile__(\"prefetch.global.L2 [%0];\" :: \"l\"((ulong)drift_prefetch + off));
            }}
        }}
    }}
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of the range is asked for once: the lanes of the last workgroups walk it
    /// in rounds of all their lanes' lines (the loop above, in Rust).
    #[test]
    fn the_last_workgroups_cover_each_line_once() {
        for (n, groups, wg, bytes) in [(10u64, 4u64, 4u64, 2000u64), (3, 8, 2, 10 * LINE), (100, 1, 1, 3 * LINE + 1)] {
            let first = n.saturating_sub(groups);
            let step = (n - first) * wg * LINE;
            let mut seen = Vec::new();
            for g in first..n {
                for lane in 0..wg {
                    let mut off = ((g - first) * wg + lane) * LINE;
                    while off < bytes {
                        seen.push(off);
                        off += step;
                    }
                }
            }
            seen.sort_unstable();
            let want: Vec<u64> = (0..bytes.div_ceil(LINE)).map(|l| l * LINE).collect();
            assert_eq!(seen, want, "{n} groups, last {groups}, {wg} lanes, {bytes} bytes");
        }
        let src = tail(4096, 264, 256);
        assert!(src.contains("prefetch.global.L2") && src.contains("drift_pf_n > 264u") && src.contains("off < 4096ul"), "{src}");
    }
}
