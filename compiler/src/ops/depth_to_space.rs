//! DepthToSpace (DCR or CRD order) and SpaceToDepth on NCHW tensors: pure re-indexing.
//! Each output element reads one input element whose coordinates are integer expressions
//! of its own; the kernel is the element-wise template with that read as its expression.
//!
//! With b the block size, C' = C / b² and (bh, bw) the offset inside a block:
//! - DepthToSpace DCR: y[n, c, h·b + bh, w·b + bw] = x[n, (bh·b + bw)·C' + c, h, w]
//! - DepthToSpace CRD: y[n, c, h·b + bh, w·b + bw] = x[n, c·b² + bh·b + bw, h, w]
//! - SpaceToDepth:     y[n, (bh·b + bw)·C + c, h, w] = x[n, c, h·b + bh, w·b + bw]

use std::any::Any;
use std::collections::BTreeMap;

use super::{arg, fact, invalid, Fact, ImportFn, Op, OpError, OutFact};
use crate::codegen::{helpers, CodegenError, KernelBuilder, KernelSpec};
use crate::front::onnx::OnnxNode;
use crate::ir::value::strides;
use crate::ir::{numel, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// DepthToSpace, depth-column-row order.
    Dcr,
    /// DepthToSpace, column-row-depth order.
    Crd,
    SpaceToDepth,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BlockShuffle {
    pub mode: Mode,
    pub block: usize,
}

pub fn register(reg: &mut BTreeMap<&'static str, ImportFn>) {
    reg.insert("DepthToSpace", |n| {
        let mode = match n.string_or("mode", "DCR")?.as_str() {
            "DCR" => Mode::Dcr,
            "CRD" => Mode::Crd,
            other => return Err(OpError::Attribute { name: "mode".into(), message: format!("'{other}' is not DCR or CRD") }),
        };
        import(n, mode)
    });
    reg.insert("SpaceToDepth", |n| import(n, Mode::SpaceToDepth));
}

fn import(n: &OnnxNode<'_>, mode: Mode) -> Result<Box<dyn Op>, OpError> {
    let b = n.int("blocksize")?.ok_or(OpError::Attribute { name: "blocksize".into(), message: "missing".into() })?;
    let block = usize::try_from(b).ok().filter(|&b| b > 0).ok_or(OpError::Attribute { name: "blocksize".into(), message: format!("{b} is not positive") })?;
    Ok(Box::new(BlockShuffle { mode, block }))
}

impl BlockShuffle {
    fn out_shape(&self, x: &[usize]) -> Result<Vec<usize>, OpError> {
        let [n, c, h, w] = x[..] else { return Err(invalid(format!("input {x:?} is not NCHW"))) };
        let bb = self.block * self.block;
        match self.mode {
            Mode::SpaceToDepth => {
                if h % self.block != 0 || w % self.block != 0 {
                    return Err(invalid(format!("spatial size {h}x{w} is not a multiple of the block size {}", self.block)));
                }
                Ok(vec![n, c * bb, h / self.block, w / self.block])
            }
            _ => {
                if c % bb != 0 {
                    return Err(invalid(format!("{c} channels are not a multiple of blocksize² = {bb}")));
                }
                Ok(vec![n, c / bb, h * self.block, w * self.block])
            }
        }
    }

    /// Input coordinates of output coordinates `o` (n, c, h, w); `cin` is the input's
    /// channel count.
    fn source(&self, o: [usize; 4], cin: usize) -> [usize; 4] {
        let b = self.block;
        let [n, c, h, w] = o;
        match self.mode {
            Mode::Dcr => [n, ((h % b) * b + w % b) * (cin / (b * b)) + c, h / b, w / b],
            Mode::Crd => [n, c * b * b + (h % b) * b + w % b, h / b, w / b],
            Mode::SpaceToDepth => {
                let q = c / cin;
                [n, c % cin, h * b + q / b, w * b + q % b]
            }
        }
    }
}

impl Op for BlockShuffle {
    fn op_type(&self) -> &'static str {
        match self.mode {
            Mode::SpaceToDepth => "SpaceToDepth",
            _ => "DepthToSpace",
        }
    }
    fn attrs(&self) -> String {
        match self.mode {
            Mode::Dcr => format!("blocksize={},mode=DCR", self.block),
            Mode::Crd => format!("blocksize={},mode=CRD", self.block),
            Mode::SpaceToDepth => format!("blocksize={}", self.block),
        }
    }
    fn infer(&self, inputs: &[Option<Fact<'_>>]) -> Result<Vec<OutFact>, OpError> {
        let x = fact(inputs, 0, "input")?;
        Ok(vec![OutFact::new(x.dtype, self.out_shape(x.shape)?)])
    }
    fn eval(&self, inputs: &[Option<&Value>]) -> Result<Vec<Value>, OpError> {
        let x = arg(inputs, 0, "input")?;
        let out = self.out_shape(&x.shape)?;
        let (is, os) = (strides(&x.shape), strides(&out));
        let n = numel(&out).unwrap_or(0);
        let idx = (0..n).map(|i| {
            let o = [0, 1, 2, 3].map(|d| (i / os[d]) % out[d]);
            self.source(o, x.shape[1]).iter().zip(&is).map(|(c, s)| c * s).sum()
        });
        Ok(vec![x.gather(x.dtype, out.clone(), idx)])
    }
    fn kernels(&self, k: &mut KernelBuilder<'_>) -> Result<(), CodegenError> {
        let (x, y) = (k.input(0)?, k.output(0)?);
        let ys = k.shape(y).to_vec();
        let cin = k.shape(x).get(1).copied().unwrap_or(1);
        let n = numel(&ys).unwrap_or(0);
        if n == 0 {
            return Ok(());
        }
        let u = |v: usize| k.lang.u(v);
        let b = self.block;
        let idx: Vec<String> = match self.mode {
            Mode::Dcr => vec!["c0".into(), format!("((c2 % {b_}) * {b_} + c3 % {b_}) * {cp} + c1", b_ = u(b), cp = u(cin / (b * b))), format!("c2 / {}", u(b)), format!("c3 / {}", u(b))],
            Mode::Crd => vec!["c0".into(), format!("c1 * {bb} + (c2 % {b_}) * {b_} + c3 % {b_}", bb = u(b * b), b_ = u(b)), format!("c2 / {}", u(b)), format!("c3 / {}", u(b))],
            Mode::SpaceToDepth => vec![
                "c0".into(),
                format!("c1 % {}", u(cin)),
                format!("c2 * {b_} + (c1 / {c}) / {b_}", b_ = u(b), c = u(cin)),
                format!("c3 * {b_} + (c1 / {c}) % {b_}", b_ = u(b), c = u(cin)),
            ],
        };
        let names: Vec<String> = (0..4).map(|d| format!("c{d}")).collect();
        let expr = helpers::load(k.lang, &k.desc("a0", x)?, &idx).map_err(|m| k.err(m))?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        k.emit(KernelSpec::new("elementwise", n as u64, k.wg_elementwise()).read("a0", x).write("y", y).param("names", names.clone()).param("expr", expr).epilogue_at(&refs));
        Ok(())
    }
    fn accepts_epilogue(&self) -> bool {
        true
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_orders() {
        // [1, 4, 1, 1] with block 2: DCR places channel (bh*2 + bw) at (bh, bw).
        let x = Value::f32(vec![1, 4, 1, 1], vec![1., 2., 3., 4.]);
        let d2s = BlockShuffle { mode: Mode::Dcr, block: 2 };
        let y = d2s.eval(&[Some(&x)]).expect("eval").remove(0);
        assert_eq!((y.shape.clone(), y.as_f32()), (vec![1, 1, 2, 2], vec![1., 2., 3., 4.]));
        // [1, 8, 1, 1]: DCR interleaves the two output channels, CRD keeps them together.
        let x = Value::f32(vec![1, 8, 1, 1], (0..8).map(|v| v as f32).collect());
        let dcr = d2s.eval(&[Some(&x)]).expect("eval").remove(0).as_f32();
        assert_eq!(dcr, vec![0., 2., 4., 6., 1., 3., 5., 7.]);
        let crd = BlockShuffle { mode: Mode::Crd, block: 2 }.eval(&[Some(&x)]).expect("eval").remove(0).as_f32();
        assert_eq!(crd, (0..8).map(|v| v as f32).collect::<Vec<_>>());
        // SpaceToDepth inverts DCR.
        let y = d2s.eval(&[Some(&x)]).expect("eval").remove(0);
        let back = BlockShuffle { mode: Mode::SpaceToDepth, block: 2 }.eval(&[Some(&y)]).expect("eval").remove(0);
        assert_eq!(back, x);
        assert!(d2s.eval(&[Some(&Value::f32(vec![1, 3, 1, 1], vec![0.; 3]))]).is_err());
    }
}
