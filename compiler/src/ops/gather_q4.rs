//! GatherQ4 (driftc-internal, built by the LLM frontend for `--quant 8/4/4`): embedding
//! rows of an int4 table packed two columns per byte with per-row block scales (see
//! `passes::quantize::per_row_block_int4`): y[.., h] = q[id, h] · scale[id, h / block].
//! Ids outside the table clamp to it, as Gather's kernel does.
//!
//! Inputs: packed [V, H/2] (int8), scales [V, H/block], ids [..] (integer). Output [.., H].

use std::any::Any;

use super::{arg, fact, invalid, Fact, Op, OpError, OutFact};
use crate::codegen::{CodegenError, KernelBuilder, KernelSpec};
use crate::ir::{numel, DType, Value};
use crate::passes::quantize::unpack;

#[derive(Debug, Clone, PartialEq)]
pub struct GatherQ4 {
    pub block: usize,
}

/// Rows and columns of an int4 table packed two columns per byte, [rows, cols/2], with
/// its block scales [rows, cols/block] (also `WidenQ4`'s weights).
pub(super) fn packed_geometry(block: usize, q: &[usize], s: &[usize]) -> Result<(usize, usize), OpError> {
    let (&[v, half], &[v2, blocks]) = (q, s) else {
        return Err(invalid(format!("packed {q:?} and scales {s:?} must be [rows, cols/2] and [rows, cols/block]")));
    };
    if v != v2 || block == 0 || blocks * block != half * 2 {
        return Err(invalid(format!("packed {q:?} and scales {s:?} do not match blocks of {block}")));
    }
    Ok((v, half * 2))
}

impl GatherQ4 {
    fn geometry(&self, q: &[usize], s: &[usize]) -> Result<(usize, usize), OpError> {
        packed_geometry(self.block, q, s)
    }
}

impl Op for GatherQ4 {
    fn op_type(&self) -> &'static str {
        "GatherQ4"
    }
    fn attrs(&self) -> String {
        format!("block={}", self.block)
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let (q, s, ids) = (fact(inputs, 0, "packed")?, fact(inputs, 1, "scales")?, fact(inputs, 2, "ids")?);
        let (_, h) = self.geometry(q.shape, s.shape)?;
        let mut out = ids.shape.to_vec();
        out.push(h);
        Ok(vec![OutFact::new(DType::F32, out)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let (q, s, ids) = (arg(inputs, 0, "packed")?, arg(inputs, 1, "scales")?, arg(inputs, 2, "ids")?);
        let (v, h) = self.geometry(&q.shape, &s.shape)?;
        let (qs, ss) = (q.as_i64(), s.as_f32());
        let blocks = h / self.block;
        let mut out = Vec::with_capacity(ids.len() * h);
        for id in ids.as_i64() {
            let r = id.clamp(0, v as i64 - 1) as usize;
            for c in 0..h {
                let (lo, hi) = unpack(qs[r * (h / 2) + c / 2]);
                out.push(if c % 2 == 0 { lo } else { hi } * ss[r * blocks + c / self.block]);
            }
        }
        let mut shape = ids.shape.clone();
        shape.push(h);
        Ok(vec![Value::f32(shape, out)])
    }
    fn kernels(&self, kb: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (q, s, ids, y) = (kb.input(0)?, kb.input(1)?, kb.input(2)?, kb.output(0)?);
        let (v, _) = self.geometry(kb.shape(q), kb.shape(s)).map_err(|e| kb.err(e.to_string()))?;
        let rank = kb.shape(y).len();
        let names: Vec<String> = (0..rank).map(|d| format!("c{d}")).collect();
        let spec = KernelSpec::new("gather_q4", numel(kb.shape(y)).unwrap_or(0) as u64, kb.wg_elementwise())
            .read("w", q)
            .read("scale", s)
            .read("ids", ids)
            .write("y", y)
            .param("names", names.clone())
            .param("id_names", names[..rank - 1].to_vec())
            .param("h", names[rank - 1].clone())
            .param("vocab", v)
            .param("block", self.block);
        // A padded chunk's rows past last_row (an id axis) are not gathered.
        let spec = kb.row_guard(spec, |a| (a + 1 < rank).then(|| format!("c{a}")))?;
        kb.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}
