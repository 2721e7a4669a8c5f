//! Decode kernel of CachedAttentionSplit (one query per head): `cached_attention_gqa`. One
//! workgroup of 256 lanes per (cache head, split of the keys) serves every query head that
//! shares the cache head, so each key and value row is read once per step instead of once
//! per query head. Lane j scores key j of a tile of 256 against all the group's queries
//! (staged once as vec4s); one reduction per tile gives the running max (a barrier tree, or
//! with `tuning.attention_subgroup_reductions` subgroup maxima and a slot per subgroup);
//! each lane keeps its own share of the exponential sums, reduced once at the end. For the value
//! sums, lane (key group, word) walks its keys reading one 16-byte word of each value row,
//! a fixed number of independent loads per tile (no per-key loop on a dynamic bound). With
//! `tuning.decode_attention_prefetch`, a tile's key and value words are all loaded at its
//! start, so the tile waits on memory once. Given the merged output (OpenCL C; the
//! split attention's `combine`), each workgroup counts itself out on its cache head's
//! counter after writing its partials, and the last of the head's splits merges them.

use super::cached_attention::{CachedAttention, Geometry};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang, WorkgroupElem};
use crate::ir::TensorId;

/// Lanes of the kernel, and keys per tile.
const LANES: usize = 256;
/// Most query heads per cache head the kernel keeps in registers.
const MAX_GROUP: usize = 8;

/// Emits the kernel for `qkvp` writing the split partials `out` ([1, H, 1, splits, d + 2]);
/// false when the step has several queries, q, k and v are not plain buffers of one float
/// type, the head size is not a power of two whose rows are whole 16-byte words (at most
/// 256), a cache head serves more than 8 query heads, or the target's workgroups hold fewer
/// than 256 lanes (the caller then emits `cached_attention_wg`). With `merged` (OpenCL C
/// only) the kernel also writes the combined attention [1, H, 1, d] there.
pub(crate) fn emit(att: &CachedAttention, kb: &mut KernelBuilder<'_>, g: &Geometry, qkvp: [TensorId; 4], splits: usize, out: TensorId, merged: Option<TensorId>) -> Result<bool, CodegenError> {
    let [q, k, v, p] = qkvp;
    let group = g.heads / g.kv_heads.max(1);
    if g.t != 1 || group == 0 || group > MAX_GROUP || !g.d.is_power_of_two() || g.d > LANES || (kb.wg_cooperative() as usize) < LANES {
        return Ok(false);
    }
    let (qd, kd, vd) = (kb.desc("q", q)?, kb.desc("k", k)?, kb.desc("v", v)?);
    let per_word = helpers::per_word(&qd);
    let plain = [&qd, &kd, &vd].iter().all(|t| t.is_plain_buffer() && t.elem == qd.elem);
    let (Some(kvec), Some(vvec), Some(qvec)) = (helpers::word_vec4s(kb.lang, &kd), helpers::word_vec4s(kb.lang, &vd), helpers::word_vec4s(kb.lang, &qd)) else {
        return Ok(false);
    };
    if !plain || !g.d.is_multiple_of(per_word) {
        return Ok(false);
    }
    // Words per row; value words per lane-row group; keys each lane sums per tile.
    let words = g.d / per_word;
    let key_groups = LANES / words;
    let with_reduce = |reduce: usize| {
        let spec = KernelSpec::cooperative("cached_attention_gqa", (g.kv_heads * splits) as u64, LANES as u32)
            .workgroup_array("drift_att_q", WorkgroupElem::Vec4F32, (group * g.d / 4) as u32)
            .workgroup_array("drift_att_p", WorkgroupElem::F32, (group * LANES) as u32)
            .workgroup_array("drift_att_r", WorkgroupElem::F32, reduce as u32);
        // (The merging workgroup's flag: whether it was the last of its cache head.)
        if merged.is_some() { spec.workgroup_array("drift_att_last", WorkgroupElem::U32, 1) } else { spec }
    };
    // Every head's value sums staged at once (`tuning.attention_combine_all_heads`) where
    // they fit the workgroup memory with the rest.
    let one_head = (group * LANES).max(LANES * per_word);
    let all = with_reduce(one_head.max(group * LANES * per_word));
    let all_heads = kb.target.tuning.attention_combine_all_heads && all.shared_bytes() <= kb.target.limits.max_compute_shared_memory_size;
    let mut spec = if all_heads { all } else { with_reduce(one_head) };
    if merged.is_some() {
        if kb.lang != Lang::OpenclC {
            return Err(kb.err("the decode attention combines its own splits through OpenCL C counters only"));
        }
        spec = spec.counters(g.kv_heads as u32);
    }
    // Everything the kernel declares (the arrays and every cooperative kernel's scratch).
    if spec.shared_bytes() > kb.target.limits.max_compute_shared_memory_size {
        return Ok(false);
    }
    spec = if kb.lang == Lang::Wgsl { spec.read_words("q", q).read_words("k", k).read_words("v", v) } else { spec.read("q", q).read("k", k).read("v", v) };
    // Max and sums through subgroups (`tuning.attention_subgroup_reductions`): one slot per
    // subgroup of the target's size in drift_att_r instead of 8-round trees (OpenCL C: PTX
    // butterfly shuffles on NVIDIA, subgroups of 32; not where the PTX is emulated).
    let ptx = kb.lang == Lang::OpenclC && kb.target.inline_ptx();
    let sg_size = if ptx { 32 } else { kb.target.features.subgroup_size as usize };
    let sg = kb.target.tuning.attention_subgroup_reductions && (kb.lang == Lang::Wgsl || ptx) && sg_size.is_power_of_two() && sg_size <= LANES;
    if sg && kb.lang == Lang::Wgsl {
        spec = spec.uses_subgroup_arithmetic();
    }
    // Whole tiles' words in registers (`tuning.decode_attention_prefetch`): a key row and
    // a lane's value words, each at most 16 words (128 registers for both), are named once
    // as a word (`k_word`, `v_word`) and decoded from the register (`k_reg`, `v_reg`: RW).
    // (OpenCL C: the 16-byte vector-pointer load `word_vec4s` writes, of `word_type`.)
    let (k_word, v_word, word_type) = match (kb.lang, kd.elem.as_str()) {
        (Lang::Wgsl, _) => (format!("{}[WI]", kd.var), format!("{}[WI]", vd.var), "vec4<u32>"),
        (Lang::OpenclC, "f16") => (format!("((__global const uint4*)({}))[WI]", kd.var), format!("((__global const uint4*)({}))[WI]", vd.var), "uint4"),
        (Lang::OpenclC, _) => (format!("((__global const float4*)({}))[WI]", kd.var), format!("((__global const float4*)({}))[WI]", vd.var), "float4"),
    };
    let k_reg: Vec<String> = kvec.iter().map(|e| e.replace(&k_word, "RW")).collect();
    let v_reg: Vec<String> = vvec.iter().map(|e| e.replace(&v_word, "RW")).collect();
    // (Only where every decoding names the word as the load above, as `word_vec4s` writes it.)
    let named = k_reg.iter().chain(&v_reg).all(|e| e.contains("RW") && !e.contains("WI"));
    let prefetch = kb.target.tuning.decode_attention_prefetch && words <= 16 && named;
    let spec = spec
        .read("position", p)
        .param("prefetch", prefetch)
        // The first tile's words before the queries' staging (`tuning.decode_attention_early_words`).
        .param("early", prefetch && kb.lang == Lang::OpenclC && kb.target.tuning.decode_attention_early_words)
        .param("k_word", k_word)
        .param("v_word", v_word)
        .param("k_reg", k_reg)
        .param("v_reg", v_reg)
        .param("word_type", word_type)
        .write("y", out)
        .param("combine_last", merged.is_some())
        // The counters' ordering through PTX on NVIDIA, else OpenCL C atomics and fences.
        .param("ptx_sync", ptx)
        .param("splits", splits)
        .param("sg", sg)
        .param("all_heads", all_heads)
        .param("sg_size", sg_size.max(1))
        .param("sg_parts", LANES / sg_size.max(1))
        .param("words", words)
        // Words of a key or value row each lane loads before using them (words is a power of two).
        .param("unroll", words.min(4))
        .param("key_groups", key_groups)
        .param("q_words", group * words)
        .param("q_loads", (group * words).div_ceil(LANES))
        .param("vec4s", per_word / 4)
        .param("head_vec4s", g.d / 4)
        .param("q_vec", qvec)
        .param("k_vec", kvec)
        .param("v_vec", vvec)
        .param("first_head", format!("kh * {}u", group))
        .param("m_at", format!("{}u", g.d))
        .param("l_at", format!("{}u", g.d + 1));
    let spec = match merged {
        Some(o) => spec.write("o", o),
        None => spec,
    };
    kb.emit(att.common_params(spec, g));
    Ok(true)
}
