//! ArgMax and ArgMin along one axis (`keepdims`, `select_last_index`): int64 indices.
//! The kernel (`arg_reduce`) runs one invocation per output element and scans the axis;
//! a long last axis with first-index ties (an LLM's logits row: the greedy token) gets a
//! workgroup per output element instead (`arg_reduce_wg`), its lanes striding the axis and
//! meeting in a tree reduction. NaN is skipped (a row of NaN gives 0) everywhere: the
//! reference, both kernels and runtime-min's host argmax agree (ONNX leaves NaN open).

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, norm_axis, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec, Lang, WorkgroupElem};
use crate::front::onnx::OnnxNode;
use crate::ir::{numel, DType, Value};

/// Axis length from which a last-axis reduction gets a workgroup per output element.
const WORKGROUP_FROM: usize = 2048;

#[derive(Debug, Clone, PartialEq)]
pub struct ArgReduce {
    /// ArgMax rather than ArgMin.
    pub max: bool,
    pub axis: i64,
    pub keepdims: bool,
    pub select_last_index: bool,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("ArgMax", |n| import(n, true));
    reg.insert("ArgMin", |n| import(n, false));
}

fn import(n: &OnnxNode<'_>, max: bool) -> Result<Box<dyn Op>, OpError> {
    Ok(Box::new(ArgReduce { max, axis: n.int_or("axis", 0)?, keepdims: n.int_or("keepdims", 1)? != 0, select_last_index: n.int_or("select_last_index", 0)? != 0 }))
}

impl ArgReduce {
    fn axis(&self, rank: usize) -> Result<usize, OpError> {
        norm_axis(self.axis, rank).map_err(|e| OpError::Attribute { name: "axis".into(), message: e.to_string() })
    }
    fn out_shape(&self, shape: &[usize]) -> Result<Vec<usize>, OpError> {
        let a = self.axis(shape.len())?;
        let mut out = shape.to_vec();
        if self.keepdims {
            out[a] = 1;
        } else {
            out.remove(a);
        }
        Ok(out)
    }
    /// True when `v` replaces the current best `best` (ties go to the first index, or to
    /// the last with `select_last_index`).
    fn better(&self, v: f32, best: f32) -> bool {
        match (self.max, self.select_last_index) {
            (true, false) => v > best,
            (true, true) => v >= best,
            (false, false) => v < best,
            (false, true) => v <= best,
        }
    }
}

impl Op for ArgReduce {
    fn op_type(&self) -> &'static str {
        if self.max {
            "ArgMax"
        } else {
            "ArgMin"
        }
    }
    fn attrs(&self) -> String {
        format!("axis={},keepdims={}{}", self.axis, self.keepdims as u8, if self.select_last_index { ",select_last_index=1" } else { "" })
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "data")?;
        if x.shape.is_empty() {
            return Err(OpError::Invalid("the input is a scalar; it needs an axis".into()));
        }
        Ok(vec![OutFact::new(DType::I64, self.out_shape(x.shape)?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "data")?;
        let a = self.axis(x.shape.len())?;
        let (outer, len, inner): (usize, usize, usize) = (x.shape[..a].iter().product(), x.shape[a], x.shape[a + 1..].iter().product());
        let xs = x.as_f32();
        let mut out = Vec::with_capacity(outer * inner);
        for o in 0..outer {
            for r in 0..inner {
                let mut best: Option<(usize, f32)> = None;
                for j in 0..len {
                    let v = xs[(o * len + j) * inner + r];
                    if !v.is_nan() && best.is_none_or(|(_, b)| self.better(v, b)) {
                        best = Some((j, v));
                    }
                }
                out.push(best.map_or(0, |(j, _)| j as i64));
            }
        }
        Ok(vec![Value::i64(self.out_shape(&x.shape)?, out)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let xs = k.shape(x).to_vec();
        let a = self.axis(xs.len()).map_err(|e| k.err(e.to_string()))?;
        let ys = k.shape(y).to_vec();
        let names: Vec<String> = (0..ys.len()).map(|d| format!("o{d}")).collect();
        // Input coordinates: the output's, with `j` along the axis (dropped axes shift).
        let idx: Vec<String> = (0..xs.len())
            .map(|d| match d.cmp(&a) {
                std::cmp::Ordering::Equal => "j".to_string(),
                std::cmp::Ordering::Less => names[d].clone(),
                std::cmp::Ordering::Greater => names[if self.keepdims { d } else { d - 1 }].clone(),
            })
            .collect();
        let cmp = match (self.max, self.select_last_index) {
            (true, false) => ">",
            (true, true) => ">=",
            (false, false) => "<",
            (false, true) => "<=",
        };
        let outputs = numel(&ys).unwrap_or(0) as u64;
        // Up to 1024 lanes: a 128k-entry row at 256 lanes took 55 us on an H200 (Vulkan).
        // OpenCL: 256 at most. NVIDIA's OpenCL reported this kernel's limit as 256 lanes
        // (CL_KERNEL_WORK_GROUP_SIZE, H200, 2026-12-02: its compiler sizes registers for
        // the unrolled scan, not for the required workgroup), so 1024 could not run there.
        let wg = k.wg_cooperative_up_to(if k.lang == Lang::OpenclC { 256 } else { 1024 });
        if a + 1 == xs.len() && xs[a] >= WORKGROUP_FROM && !self.select_last_index && wg >= 2 {
            // Eight loads in flight per lane: one at a time, a 128k-entry row took 24 us at
            // 1024 lanes on an H200 (each lane's 125 loads waited in turn).
            let unroll = 8usize;
            let idx_u: Vec<Vec<String>> = (0..unroll)
                .map(|u| idx.iter().map(|e| if e == "j" { format!("(j0 + {}u)", u * wg as usize) } else { e.clone() }).collect())
                .collect();
            // A plain f32/f16 buffer and rows of whole 16-byte words: each lane reads
            // words (4 or 8 elements a load), so a 128k-entry f16 row is 16 loads per lane,
            // not 125 (`vecs`: the word's vec4s of f32, WI its index).
            let xd = k.desc("x", x)?;
            let per_word = helpers::per_word(&xd);
            let vecs = helpers::word_vec4s(k.lang, &xd).filter(|_| xd.is_plain_buffer() && xs[a].is_multiple_of(per_word));
            let spec = KernelSpec::cooperative("arg_reduce_wg", outputs, wg)
                .param("unroll", unroll)
                .param("idx_u", idx_u)
                .workgroup_array("drift_arg_at", WorkgroupElem::U32, wg);
            let spec = match &vecs {
                // (OpenCL C reads the words through a vector pointer of its own.)
                Some(v) if k.lang == Lang::Wgsl => spec.read_words("x", x).param("vecs", v.clone()).param("row_words", xs[a] / per_word),
                Some(v) => spec.read("x", x).param("vecs", v.clone()).param("row_words", xs[a] / per_word),
                None => spec.read("x", x).param("vecs", Vec::<String>::new()),
            };
            let spec = spec
                .write("y", y)
                .param("names", names)
                .param("idx", idx)
                .param("len", xs[a])
                .param("cmp", cmp)
                .param("wg", wg)
                .param("half_wg", wg / 2);
            k.emit(spec);
            return Ok(());
        }
        let spec = KernelSpec::new("arg_reduce", outputs, k.wg_elementwise())
            .read("x", x)
            .write("y", y)
            .param("names", names)
            .param("idx", idx)
            .param("len", xs[a])
            .param("cmp", cmp);
        k.emit(spec);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(op: &ArgReduce, x: &Value) -> Value {
        op.eval(&[Some(x)]).expect("eval").remove(0)
    }

    #[test]
    fn first_or_last_of_ties() {
        // [[2, 2], [3, 10]] / [[1, 5], [5, 1]].
        let x = Value::f32(vec![2, 2], vec![2., 2., 3., 10.]);
        let op = ArgReduce { max: true, axis: 1, keepdims: true, select_last_index: false };
        let y = run(&op, &x);
        assert_eq!((y.dtype, y.shape.clone(), y.as_i64()), (DType::I64, vec![2, 1], vec![0, 1]));
        let y = run(&ArgReduce { select_last_index: true, ..op.clone() }, &x);
        assert_eq!(y.as_i64(), vec![1, 1]);
        let y = run(&ArgReduce { max: false, axis: 0, keepdims: false, select_last_index: false }, &Value::f32(vec![2, 2], vec![1., 5., 5., 1.]));
        assert_eq!((y.shape.clone(), y.as_i64()), (vec![2], vec![0, 1]));
        // NaN is skipped, first or not; a row of NaN gives 0.
        let nan = Value::f32(vec![2, 3], vec![f32::NAN, 1., 4., f32::NAN, f32::NAN, f32::NAN]);
        assert_eq!(run(&op, &nan).as_i64(), vec![2, 0]);
        assert!(ArgReduce { axis: 2, ..op }.eval(&[Some(&x)]).is_err());
    }
}
